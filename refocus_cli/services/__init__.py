"""The use cases of refocus: what a trainer or coordinator asks the tool to do.

A service takes an open `Store` (from `services.context.opened`) and plain typed
values, returns typed results (dataclasses from `core/` or from the service), never
prints, and raises `RefocusError`s whose message says what to do. `cli/` parses,
calls one service and formats what it returns; scripts and the demo call the same
functions.
"""
