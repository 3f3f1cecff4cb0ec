from refocus_cli.cli.app import main

main()
