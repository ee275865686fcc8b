//! The consent rules, without a database.
use super::*;

#[test]
fn the_whole_family_is_read_in_one_form() {
    let form: std::collections::HashMap<String, String> =
        [("c7p2", "yes"), ("c5p1", "no"), ("c7p1", "no")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(
        parse_family_answers(&form).unwrap(),
        vec![(5, vec![(1, false)]), (7, vec![(1, false), (2, true)])]
    );
    let bad: std::collections::HashMap<String, String> = [("p1".to_string(), "yes".to_string())]
        .into_iter()
        .collect();
    assert!(parse_family_answers(&bad).is_err());
    let saved = vec![
        SavedAnswers {
            pupil_id: 5,
            answers: 1,
        },
        SavedAnswers {
            pupil_id: 7,
            answers: 2,
        },
    ];
    assert_eq!(
        SavedAnswers::from_query(&SavedAnswers::to_query(&saved)),
        saved
    );
}
use ConsentState::*;

#[test]
fn silence_is_no_and_any_no_wins() {
    assert_eq!(ConsentState::combine(&[]), Unanswered);
    assert_eq!(ConsentState::combine(&[None, None]), Unanswered);
    assert_eq!(ConsentState::combine(&[Some(true), None]), Yes);
    assert_eq!(ConsentState::combine(&[Some(true), Some(false)]), Disagree);
    assert_eq!(ConsentState::combine(&[None, Some(false)]), No);
    assert!(!Disagree.allows() && !Unanswered.allows() && !No.allows() && Yes.allows());
}

/// Tags × consents × viewer, as `policy::media_visible` applies it.
#[test]
fn a_photo_of_a_child_without_consent_reaches_only_that_family() {
    let (lotte, mila, finn) = (1, 2, 3);
    let all_ok = Audience::of(&[(lotte, Yes), (mila, Yes)]);
    assert_eq!(all_ok, Audience::Everyone);
    assert!(all_ok.includes(&[]));
    assert_eq!(
        Audience::of(&[]),
        Audience::Everyone,
        "untagged: the teacher's call"
    );

    let one_without = Audience::of(&[(lotte, Yes), (mila, Unanswered)]);
    assert!(one_without.includes(&[mila]), "Mila's own family");
    assert!(
        !one_without.includes(&[lotte]),
        "Lotte's family does not see Mila"
    );
    assert!(!one_without.includes(&[finn]));
    assert!(!one_without.includes(&[]));

    let two_without = Audience::of(&[(lotte, Disagree), (mila, No)]);
    assert!(
        !two_without.includes(&[lotte]),
        "each family only sees its own child"
    );
    assert!(
        two_without.includes(&[lotte, mila]),
        "a family with both children"
    );
}

#[test]
fn wording_needs_a_title() {
    assert!(Wording::parse(" ", "x").is_err());
    assert_eq!(
        Wording::parse(" Nieuwsbrief ", "").unwrap().title,
        "Nieuwsbrief"
    );
}
