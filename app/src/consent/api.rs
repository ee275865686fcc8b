//! Consent server functions: authenticate, parse, call `consent::server`.
use std::collections::HashMap;

use leptos::prelude::*;

use super::model::{GroupConsent, HistoryEntry, MyConsent, PhotoTags, RoundView, SavedAnswers};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::platform::ctx;

#[server(endpoint = "my_consent")]
pub async fn load_my_consent() -> Result<MyConsent, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::my_consent(&state.db, &actor).await
        }
        .await,
    )
}

/// `answers` maps `p<purpose id>` to "yes" or "no" (the radio buttons of one child's form).
#[server(endpoint = "answer_consent")]
pub async fn answer_consent(
    pupil_id: i64,
    #[server(default)] answers: HashMap<String, String>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let parsed = super::model::parse_answers(&answers)?;
            super::server::answer(&state.db, &actor, pupil_id, &parsed).await?;
            leptos_axum::redirect("/toestemming?opgeslagen=1");
            Ok(())
        }
        .await,
    )
}

/// The whole consent page in one save: `answers` maps `c<pupil id>p<purpose id>` to "yes" or "no"
/// for every child of the signed-in guardian. Answers what was stored per child.
#[server(endpoint = "answer_all_consent")]
pub async fn answer_all_consent(
    #[server(default)] answers: HashMap<String, String>,
) -> Result<Vec<SavedAnswers>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let family = super::model::parse_family_answers(&answers)?;
            let saved = super::server::answer_family(&state.db, &actor, &family).await?;
            leptos_axum::redirect(&format!(
                "/toestemming?opgeslagen={}",
                SavedAnswers::to_query(&saved)
            ));
            Ok(saved)
        }
        .await,
    )
}

#[server(endpoint = "consent_round")]
pub async fn load_consent_round(school_id: i64) -> Result<RoundView, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::round_view(&state.db, &actor, school_id).await
        }
        .await,
    )
}

#[server(endpoint = "open_consent_round")]
pub async fn open_consent_round(
    school_id: i64,
    #[server(default)] strict: Option<String>,
    #[server(default)] lock_date: Option<String>,
    // Opening mails every family: the directie says so explicitly.
    #[server(default)] mail_everyone: Option<String>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::require_directie(&actor, school_id)?;
            if mail_everyone.is_none() {
                return Err(AppError::validation(
                    "mail_everyone",
                    crate::error::Invalid::ConsentConfirmMail,
                ));
            }
            super::server::open_round(&state.db, &actor, school_id, strict.is_some(), lock_date)
                .await?;
            state.wake_jobs();
            leptos_axum::redirect(&format!("/beheer/school/{school_id}/toestemming"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "set_consent_wording")]
pub async fn set_consent_wording(
    school_id: i64,
    purpose_id: i64,
    title: String,
    explanation: String,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let wording = super::model::Wording::parse(&title, &explanation)?;
            super::server::set_wording(&state.db, &actor, purpose_id, wording).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}/toestemming"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "group_consent")]
pub async fn load_group_consent(group_id: i64) -> Result<GroupConsent, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::group_overview(&state.db, &actor, group_id).await
        }
        .await,
    )
}

#[server(endpoint = "confirm_consent")]
pub async fn confirm_consent(school_id: i64, answer_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::confirm(&state.db, &actor, answer_id).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}/toestemming"));
            Ok(())
        }
        .await,
    )
}

/// Reminds every guardian with open questions by e-mail; answers how many.
#[server(endpoint = "remind_consent")]
pub async fn remind_consent(school_id: i64) -> Result<usize, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let n = super::server::remind(&state.db, &actor, school_id).await?;
            state.wake_jobs();
            Ok(n)
        }
        .await,
    )
}

/// Turns the school's "tag before publishing" rule on or off (a checkbox: absent means off).
#[server(endpoint = "set_tag_rule")]
pub async fn set_tag_rule(
    school_id: i64,
    #[server(default)] required: Option<String>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::set_tag_rule(&state.db, &actor, school_id, required.is_some()).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}/toestemming"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "photo_tags")]
pub async fn load_photo_tags(post_id: i64) -> Result<PhotoTags, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::photo_tags(&state.db, &actor, post_id).await
        }
        .await,
    )
}

/// `tags` are "uid:pupil id" (the checkboxes of the form); what is not sent is untagged.
#[server(endpoint = "save_photo_tags")]
pub async fn save_photo_tags(
    post_id: i64,
    #[server(default)] tags: Vec<String>,
    #[server(default)] no_children: Vec<String>,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let parsed = tags
                .iter()
                .map(|t| super::model::parse_tag(t))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    AppError::validation("tags", crate::error::Invalid::TagNotInGroup)
                })?;
            super::server::save_photo_tags(&state.db, &actor, post_id, &parsed, &no_children)
                .await?;
            leptos_axum::redirect(&format!("/bericht/{post_id}?kinderen=1"));
            Ok(())
        }
        .await,
    )
}

/// One child's consent history for the directie, with the server's clock for relative times.
/// Anyone else gets nothing (not an error: the pupil page that asks must still render for them).
#[server(endpoint = "pupil_consent_history")]
pub async fn load_pupil_consent_history(
    pupil_id: i64,
) -> Result<Option<(Vec<HistoryEntry>, i64)>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            match super::server::pupil_history(&state.db, &actor, pupil_id).await {
                Ok(history) => Ok(Some((history, state.db.clock().now()))),
                Err(AppError::NotFound) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}
