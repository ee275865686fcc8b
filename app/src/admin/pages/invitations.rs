//! Invitations not yet accepted, where they were made: when they went out, whether the link still
//! works, and buttons to send one again or take it back.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    admin::{
        api::{ResendInvitation, RevokeInvitation},
        model::PendingInvitation,
    },
    i18n::*,
    ui::{feedback::FormError, time::ago},
};

#[component]
pub fn InvitationList(
    invitations: Vec<PendingInvitation>,
    now: i64,
    back: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let resent = query.read_untracked().get("opnieuw").is_some();
    let revoked = query.read_untracked().get("ingetrokken").is_some();
    let empty = invitations.is_empty();
    let rows = invitations
        .into_iter()
        .map(|inv| {
            let state = if inv.expires_at <= now {
                t_string!(i18n, admin.invitation_expired).to_string()
            } else {
                let days = ((inv.expires_at - now) / 86_400).max(1);
                t_string!(i18n, admin.invitation_open, days).to_string()
            };
            let sent = t_string!(i18n, admin.invitation_sent, when = ago(i18n, now, inv.created_at)).to_string();
            let (id, back_resend, back_revoke) = (inv.id, back.clone(), back.clone());
            view! {
                <li class="invitation">
                    <p>
                        <strong>{inv.name.clone()}</strong><br/>
                        <span class="muted small">{inv.email.clone()}</span><br/>
                        <span class="small">{format!("{sent} · {state}")}</span>
                    </p>
                    <div class="actions">
                        <ActionForm action=resend>
                            <input type="hidden" name="invitation_id" value=id/>
                            <input type="hidden" name="back" value=back_resend/>
                            <button type="submit" class="small">{t!(i18n, admin.invitation_resend)}</button>
                        </ActionForm>
                        <ActionForm action=revoke>
                            <input type="hidden" name="invitation_id" value=id/>
                            <input type="hidden" name="back" value=back_revoke/>
                            <button type="submit" class="small">{t!(i18n, admin.invitation_revoke)}</button>
                        </ActionForm>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        {resent.then(|| view! { <p class="notice ok" role="status">{t!(i18n, admin.invitation_resent)}</p> })}
        {revoked.then(|| view! { <p class="notice ok" role="status">{t!(i18n, admin.invitation_revoked)}</p> })}
        <FormError result=resend.value()/>
        <FormError result=revoke.value()/>
        {(!empty).then(|| view! {
            <h3>{t!(i18n, admin.invitations_pending)}</h3>
            <ul class="list">{rows}</ul>
        })}
    }
}
