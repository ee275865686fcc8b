//! What the foundation's admin sees where others see posts and groups: admins manage schools and
//! people but never read posts, so the groups page points them to the administration (the home page
//! shows it to them instead of the feed).
use leptos::prelude::*;

use crate::{accounts::api::load_me, i18n::*};

/// Shown instead of an empty group list to an admin without children or a school role;
/// with `fallback`, anyone else gets the groups page's "no groups yet".
#[component]
pub fn AdminInstead(#[prop(optional)] fallback: bool) -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| load_me());
    let card = move || {
        Suspend::new(async move {
            let admin_only = me
                .await
                .ok()
                .flatten()
                .is_some_and(|u| u.is_admin && !u.has_children && !u.can_post);
            if admin_only {
                Some(view! {
                    <section class="card">
                        <p>{t!(i18n, admin.no_posts_for_admin)}</p>
                        <p><a class="button primary" href="/beheer">{t!(i18n, admin.to_administration)}</a></p>
                    </section>
                }.into_any())
            } else if fallback {
                Some(
                    view! {
                        <section class="card empty"><p>{t!(i18n, groups.none)}</p></section>
                    }
                    .into_any(),
                )
            } else {
                None
            }
        })
    };
    view! { <Suspense fallback=|| ()>{card}</Suspense> }
}
