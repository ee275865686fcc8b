//! The clock is the only source of time: a test sets it and moves it forward, and every rule of
//! the running app follows — sessions, school years, what a family reads.
use chrono::TimeZone;

use crate::common::{
    consent::{BAKKER, SANNE},
    TestApp,
};

db_tests!(the_whole_app_follows_the_clock);

/// Bakker's feed and groups, as the running app answers them now.
async fn groups_of(app: &TestApp, cookie: &str) -> Vec<String> {
    let res = app.call("my_groups", Some(cookie), &[]).await;
    assert_eq!(res.status().as_u16(), 200);
    let groups: Vec<serde_json::Value> = res.json().await.expect("json");
    groups
        .iter()
        .filter_map(|g| g["name"].as_str().map(str::to_string))
        .collect()
}

async fn the_whole_app_follows_the_clock(app: TestApp) {
    let clock = app.db.clock().clone();
    let bakker = app.session(BAKKER).await;
    let staff = app.session(SANNE).await;
    assert!(groups_of(&app, &bakker)
        .await
        .contains(&"Groep 3".to_string()));

    // Three weeks later a teacher's session (14 days) has run out; a parent's (90 days) has not.
    clock.advance(21 * 86_400);
    assert_eq!(
        app.call("my_groups", Some(&staff), &[])
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.call("my_groups", Some(&bakker), &[])
            .await
            .status()
            .as_u16(),
        200
    );

    // On 1 August of the next school year (in the foundation's time zone) Lotte has no placement
    // yet: her family reads no class group and no school group until she is placed.
    let (_, _, ends_on) = clock.current_school_year();
    let next_start = chrono::NaiveDate::parse_from_str(&ends_on, "%Y-%m-%d")
        .expect("date")
        .succ_opt()
        .expect("next day")
        .and_hms_opt(0, 30, 0)
        .expect("time");
    let at = clock
        .tz()
        .from_local_datetime(&next_start)
        .single()
        .expect("local time")
        .timestamp();
    let last_year = clock.current_school_year().0;
    clock.set(at);
    assert_ne!(clock.current_school_year().0, last_year);
    let bakker = app.session(BAKKER).await;
    assert!(groups_of(&app, &bakker).await.is_empty());

    // Half an hour earlier it was still the old year.
    clock.set(at - 3_600);
    let bakker = app.session(BAKKER).await;
    assert!(groups_of(&app, &bakker)
        .await
        .contains(&"Groep 3".to_string()));
}
