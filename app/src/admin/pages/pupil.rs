use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    admin::{
        api::{load_pupil, InviteGuardian, PlacePupil, SetGuardianAccess, SetUserActive},
        pages::invitations::InvitationList,
    },
    app::param_id,
    consent::{api::load_pupil_consent_history, pages::HistoryList},
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn PupilPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let invite = ServerAction::<InviteGuardian>::new();
    let place = ServerAction::<PlacePupil>::new();
    let access = ServerAction::<SetGuardianAccess>::new();
    let active = ServerAction::<SetUserActive>::new();
    let detail = Resource::new(move || param_id(params.read().get("id")), load_pupil);
    // Only the directie gets an answer; for anyone else the section stays away.
    let consent = Resource::new(
        move || param_id(params.read().get("id")),
        load_pupil_consent_history,
    );
    let history = move || {
        Suspend::new(async move {
            consent.await.ok().flatten().map(|(entries, now)| {
                let empty = entries.is_empty();
                view! {
                    <section class="card">
                        <h2>{t!(i18n, consent.history)}</h2>
                        {empty.then(|| view! { <p class="muted">{t!(i18n, consent.history_empty)}</p> })}
                        <HistoryList entries now/>
                    </section>
                }
            })
        })
    };
    let invited = move || query.read().get("uitgenodigd").is_some();
    let body = move || {
        Suspend::new(async move {
            match detail.await {
                Ok(d) => {
                    let pupil_id = d.pupil.id;
                    let name = format!("{} {}", d.pupil.first_name, d.pupil.last_name);
                    let back = format!("/beheer/leerling/{pupil_id}");
                    let can_manage = d.can_manage;
                    let can_invite = d.can_invite;
                    let current = d.pupil.group_id;
                    let guardians = d.guardians.into_iter().map(|g| {
                        let back = back.clone();
                        view! {
                            <li class="guardian">
                                <p>
                                    <strong>{g.name.clone()}</strong>
                                    {g.email.clone().map(|e| view! { <br/><span class="muted small">{e}</span> })}
                                    {g.phone.clone().map(|p| view! { <br/><span class="muted small">{p}</span> })}
                                </p>
                                {g.no_access.then(|| view! { <p class="badge urgent-badge">{t!(i18n, admin.no_access)}</p> })}
                                {(!g.active).then(|| view! { <p class="badge">{t!(i18n, admin.inactive)}</p> })}
                                {can_manage.then(|| view! {
                                    <div class="actions">
                                        <ActionForm action=access>
                                            <input type="hidden" name="pupil_id" value=pupil_id/>
                                            <input type="hidden" name="user_id" value=g.user_id/>
                                            <input type="hidden" name="no_access" value=(!g.no_access).to_string()/>
                                            <button type="submit" class="small">
                                                {if g.no_access { t!(i18n, admin.give_access).into_any() } else { t!(i18n, admin.mark_no_access).into_any() }}
                                            </button>
                                        </ActionForm>
                                        <ActionForm action=active>
                                            <input type="hidden" name="user_id" value=g.user_id/>
                                            <input type="hidden" name="active" value=(!g.active).to_string()/>
                                            <input type="hidden" name="back" value=back/>
                                            <button type="submit" class="small">
                                                {if g.active { t!(i18n, admin.deactivate).into_any() } else { t!(i18n, admin.activate).into_any() }}
                                            </button>
                                        </ActionForm>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view();
                    let options = d.groups.iter().map(|g| view! {
                        <option value=g.id selected=current == Some(g.id)>{g.name.clone()}</option>
                    }).collect_view();
                    view! {
                        <PageTitle text=name.clone()/>
                        <div class="page-head">
                            <h1>{name}</h1>
                            <p class="muted">
                                <a href=format!("/beheer/school/{}", d.school.id)>{d.school.name.clone()}</a>
                            </p>
                        </div>
                        <Show when=invited>
                            <p class="notice ok" role="status">{t!(i18n, admin.invited)}</p>
                        </Show>
                        <section class="card">
                            <h2>{t!(i18n, admin.group)}</h2>
                            <p>{d.pupil.group_name.clone().unwrap_or_else(|| t_string!(i18n, admin.not_placed).to_string())}</p>
                            {can_manage.then(|| view! {
                                <FormError result=place.value()/>
                                <ActionForm action=place>
                                    <input type="hidden" name="pupil_id" value=pupil_id/>
                                    <label for="move-group">{t!(i18n, admin.move_to)}</label>
                                    <select id="move-group" name="group_id">{options}</select>
                                    <button type="submit">{t!(i18n, admin.move_submit)}</button>
                                </ActionForm>
                            })}
                        </section>
                        <section class="card">
                            <h2>{t!(i18n, admin.guardians)}</h2>
                            <FormError result=access.value()/>
                            <FormError result=active.value()/>
                            <ul class="list">{guardians}</ul>
                            <InvitationList invitations=d.invitations.clone() now=d.now back=back.clone()/>
                            {can_invite.then(|| view! {
                                <h3>{t!(i18n, admin.invite_guardian)}</h3>
                                <p class="hint">{t!(i18n, admin.invite_guardian_help)}</p>
                                <FormError result=invite.value()/>
                                <ActionForm action=invite>
                                    <input type="hidden" name="pupil_id" value=pupil_id/>
                                    <label for="guardian-name">{t!(i18n, fields.name)}</label>
                                    <input id="guardian-name" name="name" required maxlength="100" autocomplete="off"/>
                                    <label for="guardian-email">{t!(i18n, fields.email)}</label>
                                    <input id="guardian-email" name="email" type="email" required autocomplete="off"/>
                                    <button type="submit" class="primary">{t!(i18n, admin.send_invite)}</button>
                                </ActionForm>
                            })}
                        </section>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <Suspense fallback=Loading>{body}</Suspense>
        <Suspense fallback=|| ()>{history}</Suspense>
    }
}
