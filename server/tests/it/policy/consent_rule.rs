//! PR-01, PR-02: whether a tagged child's photo may reach other families is decided by the
//! photo-consent rule, which exists three times: in SQL for the reading queries (the builder form
//! `policy::photo_consented`, and a second writing by hand in `positional.rs`), and in Rust for the staff
//! overview and the composer's warning (`consent::server::states` → `ConsentState::allows`). Each
//! combination of guardians, answers, access and rounds is stored as a child of its own; all three
//! forms must agree with each other and with the rule as written.
use std::collections::HashMap;

use app::policy::{self, Sql, Viewer};

use super::positional;

use super::{one, run, school_year, this_years_start};
use crate::common::{consent::open_round, TestApp};

/// A guardian's link to the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Link {
    Access,
    /// "Geen toegang": linked, but their answers count for nothing.
    NoAccess,
    /// The guardianship was removed; their answer stayed in `consent_current`.
    Removed,
}

/// Where an answer was given or confirmed (`consent_current.round_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Given {
    /// In the school's round of this school year (in `Round::OtherYear`: that round, moved to next
    /// year).
    InThisRound,
    /// Outside any round (`round_id` NULL).
    OutsideRounds,
    /// In last school year's strict round.
    InLastYearsRound,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Guardian {
    link: Link,
    /// The photo answer in force; `None`: not answered.
    answer: Option<(bool, Given)>,
}

/// "Access: yes OutsideRounds", to read a failing combination at a glance.
impl std::fmt::Debug for Guardian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.answer {
            None => write!(f, "{:?}: unanswered", self.link),
            Some((yes, given)) => {
                let answer = if yes { "yes" } else { "no" };
                write!(f, "{:?}: {answer} {given:?}", self.link)
            }
        }
    }
}

/// The school's round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Round {
    Lenient,
    Strict,
    /// No round this school year: the strict one belongs to next year.
    OtherYear,
}

/// The rule as written (security.md PR-01; `consent_rounds` in the schema): only the answers of
/// guardians with access count; in this year's strict round a yes not given or confirmed in it has
/// lapsed; a child has consent when a yes counts and no no does. Nobody answering is no.
fn as_written(family: &[Guardian], round: Round) -> bool {
    let counted = family
        .iter()
        .filter(|g| g.link == Link::Access)
        .filter_map(|g| g.answer);
    let (mut yes, mut no) = (false, false);
    for (answer, given) in counted {
        if !answer {
            no = true;
        } else if round != Round::Strict || given == Given::InThisRound {
            yes = true;
        }
    }
    yes && !no
}

/// No guardian, one, or two: each with every link and every answer (21 kinds of guardian, 463
/// families).
fn every_family() -> Vec<Vec<Guardian>> {
    let mut kinds = Vec::new();
    for link in [Link::Access, Link::NoAccess, Link::Removed] {
        kinds.push(Guardian { link, answer: None });
        for answer in [true, false] {
            for given in [
                Given::InThisRound,
                Given::OutsideRounds,
                Given::InLastYearsRound,
            ] {
                let answer = Some((answer, given));
                kinds.push(Guardian { link, answer });
            }
        }
    }
    let mut families = vec![vec![]];
    for a in &kinds {
        families.push(vec![*a]);
        families.extend(kinds.iter().map(|b| vec![*a, *b]));
    }
    families
}

struct Fx {
    school: i64,
    photos: i64,
    newsletter: i64,
    this_round: i64,
    last_years_round: i64,
    next_year: i64,
    /// The first and second guardian of every child.
    guardians: [i64; 2],
}

/// This year's round opened by the directie (lenient), last year's strict round, next year, and
/// two guardians.
async fn fixture(app: &TestApp) -> Fx {
    let photos = open_round(app, false, "").await;
    let school = app.school("OBS De Regenboog").await;
    let purpose = |kind| {
        format!("SELECT id FROM consent_purposes WHERE school_id = {school} AND kind = '{kind}'")
    };
    let start = this_years_start(app);
    let last_year = school_year(app, school, start - 1).await;
    let round_in = |year| {
        format!("INSERT INTO consent_rounds (school_id, school_year_id, strict, opened_at) VALUES ({school}, {year}, TRUE, 0) RETURNING id")
    };
    let guardian = |n| {
        format!("INSERT INTO users (email, name, created_at) VALUES ('voogd{n}@example.nl', 'Voogd {n}', 0) RETURNING id")
    };
    Fx {
        school,
        photos,
        newsletter: one(app, &purpose("newsletter")).await,
        this_round: one(
            app,
            &format!("SELECT id FROM consent_rounds WHERE school_id = {school}"),
        )
        .await,
        last_years_round: one(app, &round_in(last_year)).await,
        next_year: school_year(app, school, start + 1).await,
        guardians: [one(app, &guardian(1)).await, one(app, &guardian(2)).await],
    }
}

/// Stores each family as a child of the school with its guardians' links and answers, the way the
/// app stores them (an answer in `consent_answers`, the one in force in `consent_current`). Each
/// guardian also answers the newsletter question the other way round, which no photo rule may
/// read. Answers the children's ids, in the order of `families`.
async fn store(
    app: &TestApp,
    fx: &Fx,
    families: &[Vec<Guardian>],
) -> Result<Vec<i64>, app::error::AppError> {
    let at = app.db.clock().now();
    let round = |given| match given {
        Given::InThisRound => Some(fx.this_round),
        Given::OutsideRounds => None,
        Given::InLastYearsRound => Some(fx.last_years_round),
    };
    Ok(app::with_tx!(&app.db, |tx| {
        let mut pupils = Vec::new();
        for (n, family) in families.iter().enumerate() {
            let (pupil,): (i64,) = sqlx::query_as(
                "INSERT INTO pupils (school_id, first_name, last_name, created_at) \
                 VALUES ($1, 'Combinatie', $2, $3) RETURNING id",
            )
            .bind(fx.school)
            .bind(n.to_string())
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for (guardian, user) in family.iter().zip(fx.guardians) {
                if guardian.link != Link::Removed {
                    sqlx::query("INSERT INTO guardianships (pupil_id, user_id, no_access) VALUES ($1, $2, $3)")
                        .bind(pupil)
                        .bind(user)
                        .bind(guardian.link == Link::NoAccess)
                        .execute(&mut *tx)
                        .await?;
                }
                let photos = guardian.answer.map(|(yes, given)| (yes, round(given)));
                let newsletter = (!guardian.answer.is_some_and(|a| a.0), Some(fx.this_round));
                for (purpose, answer) in [(fx.photos, photos), (fx.newsletter, Some(newsletter))] {
                    let Some((yes, round_id)) = answer else {
                        continue;
                    };
                    let (answer_id,): (i64,) = sqlx::query_as(
                        "INSERT INTO consent_answers (pupil_id, user_id, purpose_id, text_id, round_id, answer, answered_at) \
                         VALUES ($1, $2, $3, (SELECT MAX(id) FROM consent_texts WHERE purpose_id = $3), $4, $5, $6) RETURNING id",
                    )
                    .bind(pupil)
                    .bind(user)
                    .bind(purpose)
                    .bind(round_id)
                    .bind(yes)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO consent_current (pupil_id, user_id, purpose_id, answer, answer_id, round_id) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(pupil)
                    .bind(user)
                    .bind(purpose)
                    .bind(yes)
                    .bind(answer_id)
                    .bind(round_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            pupils.push(pupil);
        }
        pupils
    }))
}

/// Changes to the positional form that the combinations must notice: each clause of the rule
/// decides some child.
const CHANGES: [(&str, &str); 8] = [
    ("cg.no_access = FALSE", "TRUE"),
    ("gn.no_access = FALSE", "TRUE"),
    ("cg.user_id = cc.user_id AND ", ""),
    ("cc.round_id IS NULL OR ", ""),
    ("cr.strict = TRUE", "TRUE"),
    ("csy.ends_on >= $2", "csy.ends_on >= '0'"),
    ("cp.kind = 'photos'", "cp.kind <> ''"),
    ("cpn.kind = 'photos'", "cpn.kind <> ''"),
];

/// What a positional form of the rule (`$1` the viewer, whom it does not read; `$2` today) says of
/// each child of the combinations.
async fn positional_says(app: &TestApp, rule: &str) -> HashMap<i64, bool> {
    let sql = format!(
        "SELECT p.id, {rule} FROM pupils p WHERE p.first_name = 'Combinatie' AND p.id > $1"
    );
    let rows: Vec<(i64, bool)> = app::with_db!(&app.db, |pool| sqlx::query_as(&sql)
        .bind(0_i64)
        .bind(app.db.clock().today())
        .fetch_all(pool)
        .await)
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().collect()
}

/// What each form says of each child today: (builder SQL, positional SQL, Rust).
async fn evaluate(app: &TestApp, fx: &Fx, pupils: &[i64]) -> HashMap<i64, (bool, bool, bool)> {
    let v = Viewer::reader(&app.db, 0);
    let builder: Vec<(i64, bool)> = app::with_db!(&app.db, |pool| {
        let mut q = sqlx::QueryBuilder::new("SELECT p.id, ");
        policy::photo_consented(&mut q, &v, "p.id");
        q.add(" FROM pupils p WHERE p.id IN ").ids(pupils);
        q.build_query_as().fetch_all(pool).await
    })
    .expect("the builder form");
    let positional = positional_says(app, &positional::photo_consented("p.id")).await;
    let states = app::consent::server::states(&app.db, fx.school, pupils)
        .await
        .expect("the Rust form");
    assert_eq!(builder.len(), pupils.len());
    assert_eq!(positional.len(), pupils.len());
    builder
        .into_iter()
        .map(|(pupil, by_builder)| {
            let state = states
                .get(&(pupil, fx.photos))
                .unwrap_or_else(|| panic!("no photo state for pupil {pupil}"));
            (pupil, (by_builder, positional[&pupil], state.allows()))
        })
        .collect()
}

async fn pr01_pr02_the_rust_and_sql_forms_of_the_consent_rule_agree(app: TestApp) {
    // One school day throughout, whatever the wall clock does.
    app.db.clock().set(app.db.clock().now());
    let fx = fixture(&app).await;
    let families = every_family();
    assert_eq!(families.len(), 1 + 21 + 21 * 21);
    let pupils = store(&app, &fx, &families)
        .await
        .expect("store the families");
    let mut allowed = HashMap::new();
    let mut wrong = Vec::new();
    let mut noticed = [false; CHANGES.len()];
    for round in [Round::Lenient, Round::Strict, Round::OtherYear] {
        match round {
            Round::Lenient => {}
            Round::Strict => {
                run(
                    &app,
                    &format!(
                        "UPDATE consent_rounds SET strict = TRUE WHERE id = {}",
                        fx.this_round
                    ),
                )
                .await
            }
            Round::OtherYear => {
                let sql = format!(
                    "UPDATE consent_rounds SET school_year_id = {} WHERE id = {}",
                    fx.next_year, fx.this_round
                );
                run(&app, &sql).await
            }
        }
        let said = evaluate(&app, &fx, &pupils).await;
        for (family, pupil) in families.iter().zip(&pupils) {
            let (builder, positional, rust) = said[pupil];
            let written = as_written(family, round);
            if builder != rust || positional != rust || written != rust {
                wrong.push(format!(
                    "{round:?} round, guardians {family:?}: builder SQL {builder}, positional SQL {positional}, \
                     Rust {rust}, as written {written}"
                ));
            }
            allowed.insert((round, family.clone()), rust);
        }
        for (n, (from, to)) in CHANGES.iter().enumerate() {
            let rule = positional::photo_consented("p.id");
            assert!(rule.contains(from), "the rule has no {from:?}");
            let changed = positional_says(&app, &rule.replace(from, to)).await;
            noticed[n] |= pupils.iter().any(|p| changed[p] != said[p].2);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} combinations disagree:\n{}",
        wrong.len(),
        3 * families.len(),
        wrong.join("\n")
    );

    for ((from, to), noticed) in CHANGES.iter().zip(noticed) {
        assert!(
            noticed,
            "the positional form with {from:?} as {to:?} agreed on every child"
        );
    }

    // A few cases by hand, so that the agreement above is not the agreement of three rules that
    // all say no (or all say yes).
    use {Given::*, Link::*, Round::*};
    let g = |link, answer| Guardian { link, answer };
    let (yes, no) = (|given| Some((true, given)), |given| Some((false, given)));
    let known = [
        // One guardian said yes; one yes and one no; no guardians; nobody answered.
        (Lenient, vec![g(Access, yes(OutsideRounds))], true),
        (
            Lenient,
            vec![g(Access, yes(InThisRound)), g(Access, no(InThisRound))],
            false,
        ),
        (Lenient, vec![], false),
        (Lenient, vec![g(Access, None), g(Access, None)], false),
        // Only guardians with access count: not a yes or a no without, nor a removed one's yes.
        (Lenient, vec![g(NoAccess, yes(InThisRound))], false),
        (
            Lenient,
            vec![g(NoAccess, no(InThisRound)), g(Access, yes(InThisRound))],
            true,
        ),
        (Lenient, vec![g(Removed, yes(InThisRound))], false),
        // Last year's yes stands until a strict round of this year; there a yes needs confirming
        // and one confirmed yes is enough, unless there is a no (which never lapses).
        (Lenient, vec![g(Access, yes(InLastYearsRound))], true),
        (Strict, vec![g(Access, yes(OutsideRounds))], false),
        (Strict, vec![g(Access, yes(InLastYearsRound))], false),
        (Strict, vec![g(Access, yes(InThisRound))], true),
        (
            Strict,
            vec![g(Access, yes(InThisRound)), g(Access, yes(OutsideRounds))],
            true,
        ),
        (
            Strict,
            vec![g(Access, no(OutsideRounds)), g(Access, yes(InThisRound))],
            false,
        ),
        (OtherYear, vec![g(Access, yes(InLastYearsRound))], true),
    ];
    for (round, family, expected) in known {
        let found = allowed[&(round, family.clone())];
        assert_eq!(found, expected, "{round:?} round, guardians {family:?}");
    }
    for round in [Lenient, Strict, OtherYear] {
        let consented = families
            .iter()
            .filter(|f| allowed[&(round, (*f).clone())])
            .count();
        eprintln!(
            "{round:?} round: {consented} of {} children have photo consent",
            families.len()
        );
    }
}

db_tests!(pr01_pr02_the_rust_and_sql_forms_of_the_consent_rule_agree);
