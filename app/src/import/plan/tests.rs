use super::*;
use crate::accounts::model::Email;
use crate::import::roster::{GuardianRow, Problem};

fn guardian(email: &str, no_access: bool) -> GuardianRow {
    GuardianRow {
        name: format!("Ouder {email}"),
        email: Email::parse(email).unwrap(),
        phone: Some("0612345678".into()),
        no_access,
    }
}

fn row(line: usize, key: &str, group: &str, guardians: Vec<GuardianRow>) -> PupilRow {
    PupilRow {
        line,
        key: key.into(),
        first_name: format!("Kind{key}"),
        prefix: String::new(),
        last_name: "Jansen".into(),
        group: group.into(),
        birth_date: None,
        guardians,
    }
}

fn known(id: i64, key: &str, group_id: Option<i64>) -> KnownPupil {
    KnownPupil {
        id,
        key: key.into(),
        first_name: format!("Kind{key}"),
        prefix: String::new(),
        last_name: "Jansen".into(),
        birth_date: None,
        group_id,
    }
}

fn school() -> Snapshot {
    Snapshot {
        groups: vec![(10, "Groep 3".into())],
        ..Snapshot::default()
    }
}

#[test]
fn an_empty_school_gets_everything_new_and_siblings_share_one_invitation() {
    let roster = Roster {
        pupils: vec![
            row(2, "1", "Groep 3", vec![guardian("a@x.nl", false)]),
            row(
                3,
                "2",
                "Groep 4",
                vec![guardian("a@x.nl", false), guardian("b@x.nl", false)],
            ),
        ],
        ..Roster::default()
    };
    let plan = plan(&roster, &school());
    assert_eq!(plan.counts.pupils_new, 2);
    assert_eq!(plan.counts.groups_new, 1, "Groep 4 is new, Groep 3 exists");
    assert_eq!(plan.counts.guardians_invite, 2);
    let a = plan.guardians.iter().find(|g| g.email == "a@x.nl").unwrap();
    assert_eq!(a.invite, vec!["1".to_string(), "2".to_string()]);
    // The school does not keep phone numbers: none reaches the plan.
    assert_eq!(a.phone, None);
    assert_eq!(
        plan.lines.last().unwrap().text(),
        "invite guardian b@x.nl Ouder b@x.nl (2)"
    );
}

#[test]
fn the_same_file_again_changes_nothing_and_invites_nobody_twice() {
    let roster = Roster {
        pupils: vec![row(2, "1", "Groep 3", vec![guardian("a@x.nl", false)])],
        ..Roster::default()
    };
    let mut s = school();
    s.pupils.push(known(5, "1", Some(10)));
    s.invited.insert((5, "a@x.nl".into()));
    let plan = plan(&roster, &s);
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.counts, Counts::default());
}

#[test]
fn a_changed_group_and_name_are_one_change_and_a_missing_date_erases_nothing() {
    let mut r = row(2, "1", "Groep 3", vec![]);
    r.last_name = "de Boer".into();
    let roster = Roster {
        pupils: vec![r],
        ..Roster::default()
    };
    let mut s = school();
    let mut k = known(5, "1", None);
    k.birth_date = Some("2018-01-01".into());
    s.pupils.push(k);
    let plan = plan(&roster, &s);
    assert_eq!(plan.counts.pupils_changed, 1);
    assert_eq!(
        plan.lines[0].text(),
        "changed pupil 1 naam Kind1 Jansen → Kind1 de Boer; groep niet geplaatst → Groep 3"
    );
}

#[test]
fn pupils_missing_from_the_file_leave_unless_their_row_has_an_error() {
    let roster = Roster {
        errors: vec![RowError {
            line: 7,
            key: Some("2".into()),
            problem: Problem::BadEmail("verzorger1_email".into()),
        }],
        ..Roster::default()
    };
    let mut s = school();
    s.pupils.push(known(5, "1", Some(10)));
    s.pupils.push(known(6, "2", Some(10)));
    s.pupils.push(known(7, "3", None));
    let plan = plan(&roster, &s);
    assert_eq!(plan.leaving, vec![5], "2 has an error row, 3 is not placed");
    assert_eq!(plan.counts.errors, 1);
    assert_eq!(
        plan.lines.last().unwrap().text(),
        "error pupil regel-7 2: verzorger1_email is geen geldig e-mailadres"
    );
}

#[test]
fn guardians_here_are_linked_others_invited_staff_never_linked() {
    let roster = Roster {
        pupils: vec![row(
            2,
            "1",
            "Groep 3",
            vec![guardian("here@x.nl", false), guardian("staff@x.nl", false)],
        )],
        ..Roster::default()
    };
    let mut s = school();
    for (email, id, here, staff) in [("here@x.nl", 1, true, false), ("staff@x.nl", 2, true, true)] {
        s.accounts.insert(
            email.into(),
            Account {
                user_id: id,
                guardian_here: here,
                staff_or_admin: staff,
            },
        );
    }
    let plan = plan(&roster, &s);
    let here = &plan.guardians[0];
    assert_eq!((here.link.len(), here.invite.len()), (1, 0));
    let staff = &plan.guardians[1];
    assert_eq!((staff.link.len(), staff.invite.len()), (0, 1));
    // Both read "invite": the preview does not tell who has an account.
    assert!(plan
        .lines
        .iter()
        .filter(|l| l.kind == Kind::Guardian)
        .all(|l| l.change == Change::Invite));
}

#[test]
fn geen_toegang_marks_a_link_never_lifts_one_and_invites_nobody() {
    let roster = Roster {
        pupils: vec![
            row(
                2,
                "1",
                "Groep 3",
                vec![guardian("a@x.nl", true), guardian("b@x.nl", false)],
            ),
            row(3, "2", "Groep 3", vec![guardian("c@x.nl", true)]),
        ],
        ..Roster::default()
    };
    let mut s = school();
    s.pupils.push(known(5, "1", Some(10)));
    s.pupils.push(known(6, "2", Some(10)));
    s.guardians.insert((5, "a@x.nl".into()), false);
    s.guardians.insert((5, "b@x.nl".into()), true);
    let plan = plan(&roster, &s);
    assert_eq!(plan.guardians.len(), 1, "{plan:?}");
    assert_eq!(plan.guardians[0].email, "a@x.nl");
    assert_eq!(plan.guardians[0].block, vec![5]);
    assert_eq!(plan.counts.guardians_invite, 0);
}

#[test]
fn teachers_of_the_school_get_missing_groups_others_an_invitation() {
    let teacher = |email: &str| TeacherRow {
        line: 4,
        name: "Juf".into(),
        email: Email::parse(email).unwrap(),
        groups: vec!["Groep 3".into()],
    };
    let roster = Roster {
        teachers: vec![teacher("t1@x.nl"), teacher("t2@x.nl"), teacher("t3@x.nl")],
        ..Roster::default()
    };
    let mut s = school();
    s.staff.insert("t1@x.nl".into(), (1, vec![]));
    s.staff.insert("t2@x.nl".into(), (2, vec![10]));
    let plan = plan(&roster, &s);
    assert_eq!(
        plan.teachers,
        vec![
            TeacherWork::Link {
                user_id: 1,
                groups: vec!["Groep 3".into()]
            },
            TeacherWork::Invite {
                email: "t3@x.nl".into(),
                name: "Juf".into(),
                groups: vec!["Groep 3".into()]
            }
        ]
    );
}
