//! Administration server functions.
use leptos::prelude::*;

use super::model::{InvitationCount, PersonRow, PupilDetail, SchoolDetail, SchoolSummary};
#[cfg(feature = "ssr")]
use crate::platform::ctx;
use crate::{accounts::model::InviteOutcome, error::AppError};

#[server(endpoint = "admin_schools")]
pub async fn schools() -> Result<Vec<SchoolSummary>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::schools(&state.db, &actor).await
        }
        .await,
    )
}

#[server(endpoint = "admin_create_school")]
pub async fn create_school(name: String) -> Result<i64, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let id = super::server::create_school(&state.db, &actor, &name).await?;
            leptos_axum::redirect(&format!("/beheer/school/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "admin_school")]
pub async fn load_school(school_id: i64) -> Result<SchoolDetail, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::school_detail(&state.db, &actor, school_id).await
        }
        .await,
    )
}

#[server(endpoint = "admin_create_group")]
pub async fn create_group(school_id: i64, name: String, kind: String) -> Result<i64, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let id =
                super::server::create_group(&state.db, &actor, school_id, &name, &kind).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "admin_add_pupil")]
pub async fn add_pupil(
    school_id: i64,
    first_name: String,
    last_name: String,
    birth_date: String,
    group_id: i64,
) -> Result<i64, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let input = super::pupils::NewPupil {
                first_name,
                last_name,
                birth_date,
                group_id,
            };
            let id = super::pupils::add_pupil(&state.db, &actor, school_id, input).await?;
            leptos_axum::redirect(&format!("/beheer/leerling/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "admin_pupil")]
pub async fn load_pupil(pupil_id: i64) -> Result<PupilDetail, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::pupils::pupil_detail(&state.db, &actor, pupil_id).await
        }
        .await,
    )
}

#[server(endpoint = "admin_place_pupil")]
pub async fn place_pupil(pupil_id: i64, group_id: i64) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::pupils::place_pupil(&state.db, &actor, pupil_id, group_id).await?;
            leptos_axum::redirect(&format!("/beheer/leerling/{pupil_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "invite_guardian")]
pub async fn invite_guardian(
    pupil_id: i64,
    name: String,
    email: String,
) -> Result<InviteOutcome, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let outcome =
                super::people::invite_guardian(&state, &actor, pupil_id, &name, &email).await?;
            leptos_axum::redirect(&format!("/beheer/leerling/{pupil_id}?uitgenodigd=1"));
            Ok(outcome)
        }
        .await,
    )
}

#[server(endpoint = "invite_staff")]
pub async fn invite_staff(
    school_id: i64,
    name: String,
    email: String,
    role: String,
) -> Result<InviteOutcome, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            let outcome =
                super::people::invite_staff(&state, &actor, school_id, &name, &email, &role)
                    .await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}?uitgenodigd=1"));
            Ok(outcome)
        }
        .await,
    )
}

#[server(endpoint = "admin_guardian_access")]
pub async fn set_guardian_access(
    pupil_id: i64,
    user_id: i64,
    no_access: bool,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::people::set_guardian_access(&state.db, &actor, pupil_id, user_id, no_access)
                .await?;
            leptos_axum::redirect(&format!("/beheer/leerling/{pupil_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_group_staff")]
pub async fn set_group_staff(
    school_id: i64,
    group_id: i64,
    user_id: i64,
    member: bool,
) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::people::set_group_staff(&state.db, &actor, group_id, user_id, member).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_user_active")]
pub async fn set_user_active(user_id: i64, active: bool, back: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::people::set_user_active(&state.db, &actor, user_id, active).await?;
            leptos_axum::redirect(&back_to(back));
            Ok(())
        }
        .await,
    )
}

/// Only ever redirect within the administration pages.
#[cfg(feature = "ssr")]
fn back_to(back: String) -> String {
    if back.starts_with("/beheer/") {
        back
    } else {
        "/beheer".to_string()
    }
}

#[server(endpoint = "admin_resend_invitation")]
pub async fn resend_invitation(invitation_id: i64, back: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::invitations::resend(&state, &actor, invitation_id).await?;
            leptos_axum::redirect(&format!("{}?opnieuw=1", back_to(back)));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_revoke_invitation")]
pub async fn revoke_invitation(invitation_id: i64, back: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::invitations::revoke(&state.db, &actor, invitation_id).await?;
            leptos_axum::redirect(&format!("{}?ingetrokken=1", back_to(back)));
            Ok(())
        }
        .await,
    )
}

/// People by name or e-mail address (the admin: everyone; a directie: their own school's).
#[server(endpoint = "admin_search")]
/// `None` for a teacher: they have the administration screens but nobody to look up.
pub async fn search_people(q: String) -> Result<Option<Vec<PersonRow>>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::search::search(&state.db, &actor, &q).await
        }
        .await,
    )
}

#[server(endpoint = "admin_invitation_counts")]
/// `None` for a teacher, as with [`search_people`].
pub async fn invitation_counts() -> Result<Option<Vec<InvitationCount>>, AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::search::invitation_counts(&state.db, &actor).await
        }
        .await,
    )
}

#[server(endpoint = "admin_store_phones")]
pub async fn set_store_phones(school_id: i64, store: bool) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::set_store_phones(&state.db, &actor, school_id, store).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_rename_school")]
pub async fn rename_school(school_id: i64, name: String) -> Result<(), AppError> {
    ctx::reply(
        async {
            let state = ctx::state()?;
            let actor = ctx::actor().await?;
            super::server::rename_school(&state.db, &actor, school_id, &name).await?;
            leptos_axum::redirect(&format!("/beheer/school/{school_id}"));
            Ok(())
        }
        .await,
    )
}
