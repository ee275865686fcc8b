//! NT-01: every job key built from a row id is unique forever. On SQLite a deleted newest row used to
//! hand its id to the next one, whose key ("notify.post:N") was already done: an urgent post reached
//! nobody.
use crate::common;

use common::{
    consent::{call, BAKKER, JANSEN, SANNE},
    TestApp,
};

use crate::notify::{drain, mails_with, post_as, set_prefs, ALL};

async fn nt01_a_deleted_posts_id_never_silences_the_next_post(app: TestApp) {
    set_prefs(&app, JANSEN, "immediately", &[], ALL, &[]).await;
    let first = post_as(&app, SANNE, "Groep 3", "Het eerste bericht.", true).await;
    drain(&app).await;
    app.smtp.wait_for(JANSEN, "eerste bericht").await;
    let (status, body) = call(
        &app,
        SANNE,
        "delete_post",
        &[("post_id", first.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let second = post_as(&app, SANNE, "Groep 3", "Het tweede bericht.", true).await;
    assert_ne!(second, first, "a new post gets a new id");
    drain(&app).await;
    app.smtp.wait_for(JANSEN, "tweede bericht").await;
    app.smtp.wait_for(BAKKER, "tweede bericht").await;
    assert_eq!(mails_with(&app, JANSEN, "tweede bericht"), 1);
}

async fn nt01_a_deleted_comments_id_never_silences_the_next_comment(app: TestApp) {
    set_prefs(&app, SANNE, "immediately", ALL, ALL, &[]).await;
    let (status, body) = call(
        &app,
        SANNE,
        "create_post",
        &[
            ("post[body]", "Wie rijdt er mee naar het museum?".into()),
            ("post[groups][]", app.group("Groep 3").await.to_string()),
            ("post[comments]", "true".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let post = app.post_in("Groep 3").await;
    let first = app.make_comment(BAKKER, post, "Ik rijd mee.").await;
    drain(&app).await;
    // The mail names the post, not the comment's words.
    assert_eq!(comment_mails(&app, 1).await, 1);
    let (status, body) = call(
        &app,
        BAKKER,
        "delete_comment",
        &[("comment_id", first.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let second = app.make_comment(JANSEN, post, "Wij ook, met twee.").await;
    assert_ne!(second, first);
    drain(&app).await;
    assert_eq!(
        comment_mails(&app, 2).await,
        2,
        "the second comment was told too"
    );
}

/// Comment mails to the teacher: waits up to five seconds for `expected` of them.
async fn comment_mails(app: &TestApp, expected: usize) -> usize {
    for _ in 0..100 {
        if mails_with(app, SANNE, "Nieuwe reactie") >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    mails_with(app, SANNE, "Nieuwe reactie")
}

/// Every SQLite table with its own integer id hands out ids that were never used before: a new
/// table without AUTOINCREMENT fails here.
async fn nt01_no_sqlite_table_reuses_ids(app: TestApp) {
    let app::platform::db::Pool::Sqlite(pool) = &app.db.pool else {
        return; // PostgreSQL's identity columns never reuse an id.
    };
    let reusing: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' AND sql LIKE '%INTEGER PRIMARY KEY%' \
         AND sql NOT LIKE '%AUTOINCREMENT%' AND name <> 'notification_settings'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(reusing.is_empty(), "tables that reuse ids: {reusing:?}");
    let (checks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pragma_foreign_key_check")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(checks, 0, "the rebuilt tables still point where they did");
}

db_tests!(
    nt01_a_deleted_posts_id_never_silences_the_next_post,
    nt01_a_deleted_comments_id_never_silences_the_next_comment,
    nt01_no_sqlite_table_reuses_ids,
);
