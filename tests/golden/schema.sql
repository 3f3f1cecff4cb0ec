-- index attendance_by_staff
CREATE INDEX attendance_by_staff ON attendance(staff_id)
;

-- index attendance_came
CREATE INDEX attendance_came ON attendance(session_id, staff_id)
    WHERE staff_id IS NOT NULL AND status IN ('late', 'left-early', 'present')
;

-- index attendance_one_mark
CREATE UNIQUE INDEX attendance_one_mark ON attendance(session_id, staff_id);

-- index attendance_one_visitor
CREATE UNIQUE INDEX attendance_one_visitor ON attendance(session_id, visitor)
    WHERE visitor IS NOT NULL;

-- index audit_by_change
CREATE INDEX audit_by_change ON audit(change_id)
;

-- index audit_by_entity
CREATE INDEX audit_by_entity ON audit(entity, entity_id)
;

-- index cohort_team_by_team
CREATE INDEX cohort_team_by_team ON cohort_team(team_id);

-- index feed_by_cohort
CREATE INDEX feed_by_cohort ON feed(cohort_id)
;

-- index feed_by_staff
CREATE INDEX feed_by_staff ON feed(staff_id);

-- index feed_by_team
CREATE INDEX feed_by_team ON feed(team_id);

-- index feed_by_trainer
CREATE INDEX feed_by_trainer ON feed(trainer_id);

-- index idx__sqlite_migrations_migration_set_name
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

-- index invitation_by_person
CREATE INDEX invitation_by_person ON invitation(person_kind, person_id);

-- index invitation_by_session
CREATE INDEX invitation_by_session ON invitation(session_id, person_kind, person_id);

-- index measure_window_by_cohort
CREATE INDEX measure_window_by_cohort ON measure_window(cohort_id);

-- index membership_by_staff
CREATE INDEX membership_by_staff ON membership(staff_id, start_date);

-- index membership_by_team
CREATE INDEX membership_by_team ON membership(team_id, start_date);

-- index membership_one_current
CREATE UNIQUE INDEX membership_one_current ON membership(staff_id) WHERE end_date IS NULL;

-- index session_by_cohort
CREATE INDEX session_by_cohort ON session(cohort_id, stage);

-- index session_by_start
CREATE INDEX session_by_start ON session(start_utc);

-- index session_cohort_by_cohort
CREATE INDEX session_cohort_by_cohort ON session_cohort(cohort_id);

-- index session_invitee_by_staff
CREATE INDEX session_invitee_by_staff ON session_invitee(staff_id)
;

-- index session_team_by_team
CREATE INDEX session_team_by_team ON session_team(team_id);

-- index session_trainer_by_trainer
CREATE INDEX session_trainer_by_trainer ON session_trainer(trainer_id)
;

-- index staff_by_name
CREATE INDEX staff_by_name ON staff(name COLLATE NOCASE);

-- index staff_score_by_staff
CREATE INDEX staff_score_by_staff ON staff_score(staff_id);

-- table _sqlite_migrations
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);

-- table attendance
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    visitor TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('present', 'late', 'left-early', 'excused', 'absent')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((staff_id IS NULL) != (visitor IS NULL))
);

-- table audit
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    old TEXT,
    new TEXT
, change_id INTEGER, undone_by INTEGER REFERENCES audit(id));

-- table caldav_event
CREATE TABLE caldav_event (
    calendar TEXT NOT NULL,
    uid TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT,
    sequence INTEGER NOT NULL,
    digest TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (calendar, uid)
);

-- table closure
CREATE TABLE closure (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL DEFAULT ''
);

-- table cohort
CREATE TABLE cohort (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);

-- table cohort_team
CREATE TABLE cohort_team (
    cohort_id INTEGER NOT NULL REFERENCES cohort(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id), left_on TEXT,
    PRIMARY KEY (cohort_id, team_id)
);

-- table evaluation_form
CREATE TABLE evaluation_form (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    form INTEGER NOT NULL CHECK (form >= 1),
    ratings TEXT NOT NULL,
    will_do TEXT NOT NULL DEFAULT '',
    better TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, form)
);

-- table feed
CREATE TABLE feed (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('trainer', 'team', 'staff', 'cohort')),
    trainer_id INTEGER REFERENCES trainer(id) ON DELETE CASCADE,
    team_id INTEGER REFERENCES team(id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    cohort_id INTEGER REFERENCES cohort(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CHECK ((trainer_id IS NOT NULL) + (team_id IS NOT NULL) + (staff_id IS NOT NULL)
           + (cohort_id IS NOT NULL) = 1)
);

-- table invitation
CREATE TABLE invitation (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    uid TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    person_kind TEXT NOT NULL CHECK (person_kind IN ('staff', 'trainer')),
    person_id INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
    sequence INTEGER NOT NULL CHECK (sequence >= 0),
    session_sequence INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    sent_at TEXT NOT NULL
);

-- table measure_window
CREATE TABLE measure_window (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('baseline', 'follow-up')),
    cohort_id INTEGER REFERENCES cohort(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_date >= start_date)
);

-- table membership
CREATE TABLE membership (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    end_reason TEXT,
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- table module_override
CREATE TABLE module_override (
    module TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (module, field)
);

-- table programme
CREATE TABLE programme (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    region TEXT NOT NULL,
    start_date TEXT,
    created_at TEXT NOT NULL
, follow_up_date TEXT, notice_days INTEGER NOT NULL DEFAULT 10
    CHECK (notice_days >= 0), organisation TEXT NOT NULL DEFAULT '', signatory TEXT NOT NULL DEFAULT '', signatory_role TEXT NOT NULL DEFAULT '', logo BLOB, logo_type TEXT CHECK (logo_type IN ('png', 'jpg', 'svg')));

-- table session
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    cohort_id INTEGER REFERENCES cohort(id),
    stage TEXT NOT NULL,
    module TEXT NOT NULL,
    strategy TEXT NOT NULL,
    occurrence INTEGER NOT NULL DEFAULT 1,
    group_no INTEGER NOT NULL DEFAULT 1,
    kind TEXT NOT NULL DEFAULT 'planned' CHECK (kind IN ('planned', 'catch-up')),
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    venue_id INTEGER REFERENCES venue(id),
    expected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'held', 'cancelled')),
    sequence INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (end_utc > start_utc)
);

-- table session_cohort
CREATE TABLE session_cohort (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    cohort_id INTEGER NOT NULL REFERENCES cohort(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, cohort_id)
);

-- table session_deliverer
CREATE TABLE session_deliverer (
    session_id INTEGER NOT NULL REFERENCES session_delivery(session_id) ON DELETE CASCADE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id),
    PRIMARY KEY (session_id, trainer_id)
);

-- table session_delivery
CREATE TABLE session_delivery (
    session_id INTEGER PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
    covered TEXT,
    recorded_at TEXT NOT NULL
);

-- table session_invitee
CREATE TABLE session_invitee (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, staff_id)
);

-- table session_team
CREATE TABLE session_team (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES team(id),
    PRIMARY KEY (session_id, team_id)
);

-- table session_trainer
CREATE TABLE session_trainer (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id),
    role TEXT NOT NULL DEFAULT 'lead' CHECK (role IN ('lead', 'lived-experience')),
    PRIMARY KEY (session_id, trainer_id)
);

-- table staff
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL DEFAULT '',
    is_manager INTEGER NOT NULL DEFAULT 0,
    left_on TEXT,
    created_at TEXT NOT NULL
, clinical INTEGER NOT NULL DEFAULT 1 CHECK (clinical IN (0, 1)), clinical_guessed INTEGER NOT NULL DEFAULT 0
    CHECK (clinical_guessed IN (0, 1)));

-- table staff_score
CREATE TABLE staff_score (
    measure TEXT NOT NULL,
    window_kind TEXT NOT NULL CHECK (window_kind IN ('baseline', 'follow-up')),
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (measure, window_kind, staff_id)
);

-- table team
CREATE TABLE team (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    site TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'disbanded')),
    created_at TEXT NOT NULL,
    ended_on TEXT,
    merged_into INTEGER REFERENCES team(id)
);

-- table team_score
CREATE TABLE team_score (
    measure TEXT NOT NULL,
    window_kind TEXT NOT NULL CHECK (window_kind IN ('baseline', 'follow-up')),
    team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
    n INTEGER NOT NULL CHECK (n >= 1),
    mean REAL NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (measure, window_kind, team_id)
);

-- table trainer
CREATE TABLE trainer (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    lived_experience INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
, removed_on TEXT);

-- table trainer_stage
CREATE TABLE trainer_stage (
    trainer_id INTEGER NOT NULL REFERENCES trainer(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    PRIMARY KEY (trainer_id, stage)
);

-- table trainer_unavailable
CREATE TABLE trainer_unavailable (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    trainer_id INTEGER NOT NULL REFERENCES trainer(id) ON DELETE CASCADE,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK (to_date >= from_date)
);

-- table venue
CREATE TABLE venue (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    site TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity > 0)
, removed_on TEXT);

-- trigger invitation_forgets_staff
CREATE TRIGGER invitation_forgets_staff AFTER UPDATE OF email ON staff WHEN NEW.email IS NULL
BEGIN UPDATE invitation SET recipient = ''
    WHERE person_kind = 'staff' AND person_id = NEW.id; END;

-- trigger invitation_forgets_trainer
CREATE TRIGGER invitation_forgets_trainer AFTER UPDATE OF email ON trainer
WHEN NEW.email IS NULL
BEGIN UPDATE invitation SET recipient = ''
    WHERE person_kind = 'trainer' AND person_id = NEW.id; END;

