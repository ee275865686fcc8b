//! The "Mijn kind" album and its zip (PR-01, PR-02, AC-01), on both databases: a guardian sees
//! every photo their own child is tagged in, per school year, and never one that also shows a
//! child without consent.
use crate::common;

use std::io::Read;

use common::{consent::*, TestApp};

/// The uids per school year in `who`'s album for `child`: [(year, [uid])].
async fn album_of(app: &TestApp, who: &str, child: &str) -> Vec<(String, Vec<String>)> {
    let (status, body) = call(app, who, "my_album", &[]).await;
    assert_eq!(status, 200, "{body}");
    let pupil = app.pupil(child).await;
    let entry = body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["pupil_id"].as_i64() == Some(pupil))
        .unwrap_or_else(|| panic!("{child} is not in the album of {who}"));
    entry["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            let uids = y["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["uid"].as_str().unwrap().to_string())
                .collect();
            (y["name"].as_str().unwrap().to_string(), uids)
        })
        .collect()
}

async fn zip(app: &TestApp, who: Option<&str>, child: &str, year: &str) -> (u16, Vec<u8>) {
    let pupil = app.pupil(child).await;
    let mut req = common::client().get(app.at(&format!("/album/{pupil}/{year}.zip")));
    if let Some(who) = who {
        req = req.header("cookie", app.session(who).await);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

/// The entries of a zip as (name, bytes), every CRC checked.
fn unzip(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry matches its CRC");
            (entry.name().to_string(), data)
        })
        .collect()
}

async fn full_photo(app: &TestApp, who: &str, uid: &str) -> Vec<u8> {
    let res = common::client()
        .get(app.at(&format!("/media/{uid}/full")))
        .header("cookie", app.session(who).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.bytes().await.unwrap().to_vec()
}

fn this_year(app: &TestApp) -> String {
    app.db.clock().current_school_year().0
}

/// PR-01, PR-02 in the album: own child's photos only, nothing with another child lacking consent,
/// and a withdrawal counts on the next request; the zip holds exactly what the page shows.
async fn pr01_pr02_the_album_shows_own_child_photos_and_the_zip_holds_them(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    assert_eq!(answer(&app, BAKKER, "Lotte", photos, true).await, 200);
    // 0: Mila and Lotte; 1: Mila; 2: Lotte; 3: nobody tagged.
    let uids = tagged_post(&app, &[&["Mila", "Lotte"], &["Mila"], &["Lotte"], &[]]).await;
    let year = this_year(&app);
    assert_eq!(
        album_of(&app, JANSEN, "Mila").await,
        vec![(year.clone(), vec![uids[0].clone(), uids[1].clone()])]
    );
    assert_eq!(
        album_of(&app, JANSEN, "Finn").await,
        vec![],
        "Finn is in no photo"
    );
    assert_eq!(
        album_of(&app, BAKKER, "Lotte").await,
        vec![(year.clone(), vec![uids[0].clone(), uids[2].clone()])]
    );

    // Lotte's parent withdraws: the shared photo leaves Mila's album, and stays in Lotte's.
    assert_eq!(answer(&app, BAKKER, "Lotte", photos, false).await, 200);
    assert_eq!(
        album_of(&app, JANSEN, "Mila").await,
        vec![(year.clone(), vec![uids[1].clone()])]
    );
    assert_eq!(
        album_of(&app, BAKKER, "Lotte").await,
        vec![(year.clone(), vec![uids[0].clone(), uids[2].clone()])]
    );

    // The zip: the full-size photos the page shows, byte for byte, oldest first.
    let (status, bytes) = zip(&app, Some(JANSEN), "Mila", &year).await;
    assert_eq!(status, 200);
    let entries = unzip(bytes);
    assert_eq!(entries.len(), 1, "only the photo without Lotte");
    assert!(entries[0].0.ends_with("-001.jpg"), "{}", entries[0].0);
    assert_eq!(entries[0].1, full_photo(&app, JANSEN, &uids[1]).await);
    let (status, bytes) = zip(&app, Some(BAKKER), "Lotte", &year).await;
    assert_eq!(status, 200);
    let names: Vec<String> = unzip(bytes).into_iter().map(|e| e.0).collect();
    assert_eq!(names.len(), 2);
}

/// AC-01 for the zip: only a guardian with access to the child gets it; everything else is the same
/// 404 (another family, staff, no session, a year without photos, a malformed year).
async fn ac01_only_the_childs_own_guardians_download_the_zip(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    tagged_post(&app, &[&["Mila"]]).await;
    let year = this_year(&app);
    assert_eq!(zip(&app, Some(JANSEN), "Mila", &year).await.0, 200);
    for who in [
        Some(BAKKER),
        Some(DEVRIES),
        Some(SANNE),
        Some(DIRECTIE),
        None,
    ] {
        assert_eq!(zip(&app, who, "Mila", &year).await.0, 404, "{who:?}");
    }
    assert_eq!(zip(&app, Some(JANSEN), "Mila", "2019-2020").await.0, 404);
    assert_eq!(zip(&app, Some(JANSEN), "Mila", "2025").await.0, 404);
    assert_eq!(zip(&app, Some(JANSEN), "Finn", &year).await.0, 404);
    // A guardian link marked "no access" counts for nothing here either.
    let mila = app.pupil("Mila").await;
    let jansen = app.user_id(JANSEN).await;
    exec(
        &app,
        "UPDATE guardianships SET no_access = TRUE WHERE pupil_id = $1 AND user_id = $2",
        mila,
        jansen,
    )
    .await;
    assert_eq!(zip(&app, Some(JANSEN), "Mila", &year).await.0, 404);
    let (_, body) = call(&app, JANSEN, "my_album", &[]).await;
    assert!(
        !body.to_string().contains("Mila"),
        "no-access child left out: {body}"
    );
}

/// A new school year: last year's class group is no longer readable, but last year's photos of your
/// own child stay in the album under last year, and in last year's zip; other families lose them.
async fn last_years_photos_stay_in_the_album_of_the_child(app: TestApp) {
    let photos = open_round(&app, false, "").await;
    assert_eq!(answer(&app, JANSEN, "Mila", photos, true).await, 200);
    let uids = tagged_post(&app, &[&["Mila"], &[]]).await;
    // Roll the post back a year, into last year's Groep 2 where Mila and Lotte were placed.
    let school = app.school("OBS De Regenboog").await;
    let (_, starts, _) = app.db.clock().current_school_year();
    let start: i32 = starts[..4].parse().unwrap();
    let last = format!("{}-{}", start - 1, start);
    let sql = format!(
        "INSERT INTO school_years (school_id, name, starts_on, ends_on) VALUES ($1, '{last}', '{}-08-01', '{}-07-31')",
        start - 1,
        start
    );
    app::with_db!(&app.db, |pool| sqlx::query(&sql)
        .bind(school)
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
    let last_year = app
        .id_of("SELECT id FROM school_years WHERE name = $1", &last)
        .await;
    exec(
        &app,
        "INSERT INTO groups (school_id, school_year_id, kind, name) VALUES ($1, $2, 'class', 'Groep 2')",
        school,
        last_year,
    )
    .await;
    let groep2 = app.group("Groep 2").await;
    for child in ["Mila", "Lotte"] {
        let pupil = app.pupil(child).await;
        exec(
            &app,
            &format!(
                "INSERT INTO placements (pupil_id, group_id, school_year_id) VALUES ($1, $2, {last_year})"
            ),
            pupil,
            groep2,
        )
        .await;
    }
    let post = app.post_in("Groep 3").await;
    exec(
        &app,
        "UPDATE post_groups SET group_id = $2 WHERE post_id = $1",
        post,
        groep2,
    )
    .await;
    exec(
        &app,
        "UPDATE posts SET created_at = created_at - $2 WHERE id = $1",
        post,
        365 * 24 * 3600,
    )
    .await;

    // The post itself is gone from every family's feed (last year's group), but Mila's photo stays
    // in her own album, under last year.
    let feed = call(&app, JANSEN, "feed", &[]).await.1.to_string();
    assert!(!feed.contains(&uids[0]) && !feed.contains(&uids[1]));
    assert_eq!(sees(&app, BAKKER, &uids).await, vec![false, false]);
    assert_eq!(
        album_of(&app, JANSEN, "Mila").await,
        vec![(last.clone(), vec![uids[0].clone()])]
    );
    let (status, bytes) = zip(&app, Some(JANSEN), "Mila", &last).await;
    assert_eq!(status, 200);
    assert_eq!(unzip(bytes).len(), 1);
    assert_eq!(
        zip(&app, Some(JANSEN), "Mila", &this_year(&app)).await.0,
        404
    );
    // The album page itself renders for the guardian (without JavaScript too).
    let page = app
        .page("/mijn-kind", Some(&app.session(JANSEN).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/album/{}/{last}.zip", app.pupil("Mila").await)));
    assert!(page.contains(&format!("/media/{}/thumb", uids[0])));
}

db_tests!(
    pr01_pr02_the_album_shows_own_child_photos_and_the_zip_holds_them,
    ac01_only_the_childs_own_guardians_download_the_zip,
    last_years_photos_stay_in_the_album_of_the_child,
);
