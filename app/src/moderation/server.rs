//! Report rules and queries. A family can report only what it can read; the queue shows a report
//! to the post's author and the directie of the school, and nobody else.
use super::model::{Decision, NewReport, Queue, ReportTarget, ReportView};
use crate::{
    comments::model::Reason,
    error::AppError,
    platform::{auth::Actor, db::Db, state::AppState},
    policy::{self, Viewer},
    with_db, with_tx,
};

/// What is being reported, with what the report row needs besides the view.
struct Target {
    view: ReportTarget,
    school_id: i64,
    post_author_id: i64,
    author_id: i64,
}

async fn target(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    comment_id: Option<i64>,
) -> Result<Target, AppError> {
    let post = policy::readable_post(db, &Viewer::new(db, actor), post_id).await?;
    let (author_id, author_name, text) = match comment_id {
        Some(id) => {
            let (of_post, author_id, name, body) =
                crate::comments::server::find(db, actor, id).await?;
            if of_post != post_id {
                return Err(AppError::NotFound);
            }
            (author_id, name, body)
        }
        None => {
            // The author's own text (readers' views hold only the rendered HTML).
            let (title, body, name): (Option<String>, String, String) = with_db!(db, |pool| {
                sqlx::query_as(
                "SELECT p.title, p.body, u.name FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1"
            )
            .bind(post_id)
            .fetch_one(pool)
            .await
            })?;
            let text = match title {
                Some(title) => format!("{title}\n\n{body}"),
                None => body,
            };
            (post.author_id, name, text)
        }
    };
    Ok(Target {
        view: ReportTarget {
            post_id,
            comment_id,
            author_name,
            text,
        },
        school_id: post.school_id,
        post_author_id: post.author_id,
        author_id,
    })
}

/// The report form's preview of what is reported.
pub async fn preview(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    comment_id: Option<i64>,
) -> Result<ReportTarget, AppError> {
    Ok(target(db, actor, post_id, comment_id).await?.view)
}

/// Files a report with a snapshot of the content. Reporting the same thing twice while the first
/// report is open files nothing new.
pub async fn report(
    db: &Db,
    actor: &Actor,
    post_id: i64,
    comment_id: Option<i64>,
    report: NewReport,
) -> Result<(), AppError> {
    let t = target(db, actor, post_id, comment_id).await?;
    if t.author_id == actor.user_id {
        return Err(AppError::validation(
            "reason",
            crate::error::Invalid::ReportOwn,
        ));
    }
    let kind = if comment_id.is_some() {
        "comment"
    } else {
        "post"
    };
    with_tx!(db, |tx| {
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM reports WHERE reporter_id = $1 AND post_id = $2 AND kind = $3 \
             AND (comment_id = $4 OR $4 IS NULL) AND resolved_at IS NULL",
        )
        .bind(actor.user_id)
        .bind(post_id)
        .bind(kind)
        .bind(comment_id)
        .fetch_one(&mut *tx)
        .await?;
        if open == 0 {
            let (report_id,): (i64,) = sqlx::query_as(
                "INSERT INTO reports (school_id, post_id, kind, comment_id, post_author_id, reporter_id, \
                   reason, details, snapshot_author, snapshot_text, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(t.school_id)
            .bind(post_id)
            .bind(kind)
            .bind(comment_id)
            .bind(t.post_author_id)
            .bind(actor.user_id)
            .bind(report.reason.as_str())
            .bind(&report.details)
            .bind(&t.view.author_name)
            .bind(&t.view.text)
            .bind(db.clock().now())
            .fetch_one(&mut *tx)
            .await?;
            crate::announce_in_tx!(
                tx,
                crate::platform::events::Event::Report(report_id),
                db.clock().now()
            );
        }
    });
    Ok(())
}

/// Reports this actor handles: as directie of the school, or as the author of the post.
/// The author counts only while still on the school's staff.
const HANDLED_BY: &str = "((r.post_author_id = $1 AND r.school_id IN \
       (SELECT school_id FROM staff_roles WHERE user_id = $1)) \
     OR r.school_id IN (SELECT school_id FROM staff_roles WHERE user_id = $1 AND role = 'directie'))";

fn queue_sql(open: bool) -> String {
    let state = if open {
        "r.resolved_at IS NULL ORDER BY r.created_at, r.id"
    } else {
        "r.resolved_at IS NOT NULL ORDER BY r.resolved_at DESC, r.id DESC LIMIT 20"
    };
    format!(
        "SELECT r.id, r.post_id, r.kind, r.reason, r.details, r.snapshot_author, r.snapshot_text, \
           CASE WHEN r.school_id IN (SELECT school_id FROM staff_roles WHERE user_id = $1 AND role = 'directie') \
                THEN ru.name END AS reporter_name, \
           r.created_at, r.resolved_at, rv.name AS resolver_name, r.resolution, r.resolution_note \
         FROM reports r LEFT JOIN users ru ON ru.id = r.reporter_id LEFT JOIN users rv ON rv.id = r.resolved_by \
         WHERE {HANDLED_BY} AND {state}"
    )
}

pub async fn queue(db: &Db, actor: &Actor) -> Result<Queue, AppError> {
    if !actor.is_staff() {
        return Err(AppError::NotFound);
    }
    let mut lists = Vec::new();
    for open in [true, false] {
        let sql = queue_sql(open);
        let rows: Vec<ReportView> = with_db!(db, |pool| sqlx::query_as(&sql)
            .bind(actor.user_id)
            .fetch_all(pool)
            .await)?;
        lists.push(rows);
    }
    let done = lists.pop().unwrap_or_default();
    let open = lists.pop().unwrap_or_default();
    Ok(Queue {
        open,
        done,
        now: db.clock().now(),
    })
}

/// How many reports wait for this actor (for the management page).
pub async fn open_count(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    let sql =
        format!("SELECT COUNT(*) FROM reports r WHERE {HANDLED_BY} AND r.resolved_at IS NULL");
    let (n,): (i64,) = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(actor.user_id)
        .fetch_one(pool)
        .await)?;
    Ok(n)
}

/// Handles a report: removes the post or comment (through the same rules as removing it from the
/// post page, so the audit log says who and why) or keeps it; either way the decision and the
/// note are recorded on the report.
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    report_id: i64,
    decision: Decision,
    note: &Reason,
) -> Result<(), AppError> {
    let db = &state.db;
    let sql = format!(
        "SELECT r.kind, r.post_id, r.comment_id, r.resolved_at FROM reports r WHERE r.id = $2 AND {HANDLED_BY}"
    );
    let (kind, post_id, comment_id, resolved_at): (String, Option<i64>, Option<i64>, Option<i64>) =
        with_db!(db, |pool| sqlx::query_as(&sql)
            .bind(actor.user_id)
            .bind(report_id)
            .fetch_optional(pool)
            .await)?
        .ok_or(AppError::NotFound)?;
    if resolved_at.is_some() {
        return Err(AppError::validation(
            "decision",
            crate::error::Invalid::ReportAlreadyResolved,
        ));
    }
    let resolution = match decision {
        Decision::Remove => {
            match (kind.as_str(), post_id, comment_id) {
                ("comment", _, Some(comment)) => {
                    crate::comments::server::remove(db, actor, comment, note).await?;
                }
                ("post", Some(post), _) => {
                    crate::posts::server::delete(state, actor, post, Some(note.as_str())).await?;
                }
                // Already gone: nothing left to remove.
                _ => {}
            }
            "removed"
        }
        Decision::Keep => "kept",
    };
    let at = db.clock().now();
    with_tx!(db, |tx| {
        sqlx::query(
            "UPDATE reports SET resolved_at = $2, resolved_by = $3, resolution = $4, resolution_note = $5 \
             WHERE id = $1 AND resolved_at IS NULL",
        )
        .bind(report_id)
        .bind(at)
        .bind(actor.user_id)
        .bind(resolution)
        .bind(note.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, object_kind, object_id, created_at, note) \
             VALUES ($1, $2, 'report', $3, $4, $5)",
        )
        .bind(actor.user_id)
        .bind(resolution)
        .bind(report_id)
        .bind(at)
        .bind(note.as_str())
        .execute(&mut *tx)
        .await?;
        // The reporter hears the outcome (kept or removed), never the note, which is for staff.
        crate::announce_in_tx!(
            tx,
            crate::platform::events::Event::ReportResolved(report_id),
            at
        );
    });
    state.wake_jobs();
    Ok(())
}
