use leptos::prelude::*;

use super::{invitations::InvitationList, school::group_label};
use crate::{
    admin::{
        api::{InviteStaff, SetGroupStaff, SetUserActive},
        model::SchoolDetail,
    },
    i18n::*,
    ui::feedback::FormError,
};

/// The school's team: who they are, which groups they teach, and inviting new staff.
#[component]
pub fn StaffSection(detail: SchoolDetail) -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<InviteStaff>::new();
    let assign = ServerAction::<SetGroupStaff>::new();
    let active = ServerAction::<SetUserActive>::new();
    let school_id = detail.school.id;
    let back = format!("/beheer/school/{school_id}");
    let can_manage = detail.can_manage;
    let can_lead = detail.can_lead;
    let me = detail.me;
    // Linking a teacher to a group needs a teacher and a group first.
    let can_assign = can_manage
        && detail.staff.iter().any(|s| s.active)
        && detail.groups.iter().any(|g| g.kind != "school");
    let rows = detail
        .staff
        .iter()
        .map(|s| {
            let groups: Vec<String> = detail
                .group_staff
                .iter()
                .filter(|gs| gs.user_id == s.user_id)
                .filter_map(|gs| detail.groups.iter().find(|g| g.id == gs.group_id))
                .map(|g| group_label(i18n, g))
                .collect();
            let role = match s.role.as_str() {
                "directie" => t_string!(i18n, admin.role_directie).to_string(),
                "administratie" => t_string!(i18n, admin.role_administratie).to_string(),
                _ => t_string!(i18n, admin.role_teacher).to_string(),
            };
            let (user_id, is_active, back) = (s.user_id, s.active, back.clone());
            view! {
                <tr>
                    <td>{s.name.clone()}<br/><span class="muted small">{s.email.clone()}</span></td>
                    <td>{role}</td>
                    <td>{groups.join(", ")}</td>
                    <td>
                        {if is_active { t!(i18n, admin.active).into_any() } else { t!(i18n, admin.inactive).into_any() }}
                        // Nobody (de)activates their own account.
                        {(can_lead && user_id != me).then(|| view! {
                            <ActionForm action=active>
                                <input type="hidden" name="user_id" value=user_id/>
                                <input type="hidden" name="active" value=(!is_active).to_string()/>
                                <input type="hidden" name="back" value=back/>
                                <button type="submit" class="small">
                                    {if is_active { t!(i18n, admin.deactivate).into_any() } else { t!(i18n, admin.activate).into_any() }}
                                </button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let staff_options = detail
        .staff
        .iter()
        // The administratie teaches no group.
        .filter(|s| s.active && s.role != "administratie")
        .map(|s| view! { <option value=s.user_id>{s.name.clone()}</option> })
        .collect_view();
    let group_options = detail
        .groups
        .iter()
        .filter(|g| g.kind != "school")
        .map(|g| view! { <option value=g.id>{g.name.clone()}</option> })
        .collect_view();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.staff)}</h2>
            <FormError result=active.value()/>
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, fields.name)}</th>
                    <th scope="col">{t!(i18n, admin.role)}</th>
                    <th scope="col">{t!(i18n, admin.groups)}</th>
                    <th scope="col">{t!(i18n, admin.status)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {can_assign.then(|| view! {
                <h3>{t!(i18n, admin.assign_title)}</h3>
                <FormError result=assign.value()/>
                <ActionForm action=assign>
                    <input type="hidden" name="school_id" value=school_id/>
                    <label for="assign-user">{t!(i18n, admin.staff_member)}</label>
                    <select id="assign-user" name="user_id" required>{staff_options}</select>
                    <label for="assign-group">{t!(i18n, admin.group)}</label>
                    <select id="assign-group" name="group_id" required>{group_options}</select>
                    <fieldset>
                        <legend class="sr-only">{t!(i18n, admin.assign_title)}</legend>
                        <label class="choice"><input type="radio" name="member" value="true" checked/>{t!(i18n, admin.assign_add)}</label>
                        <label class="choice"><input type="radio" name="member" value="false"/>{t!(i18n, admin.assign_remove)}</label>
                    </fieldset>
                    <button type="submit">{t!(i18n, common.save)}</button>
                </ActionForm>
            })}
            <InvitationList invitations=detail.invitations.clone() now=detail.now back=back.clone()/>
            {can_lead.then(|| view! {
                <h3>{t!(i18n, admin.invite_staff)}</h3>
                <FormError result=invite.value()/>
                <ActionForm action=invite>
                    <input type="hidden" name="school_id" value=school_id/>
                    <label for="staff-name">{t!(i18n, fields.name)}</label>
                    <input id="staff-name" name="name" required maxlength="100" autocomplete="off"/>
                    <label for="staff-email">{t!(i18n, fields.email)}</label>
                    <input id="staff-email" name="email" type="email" required autocomplete="off"/>
                    <label for="staff-role">{t!(i18n, admin.role)}</label>
                    <select id="staff-role" name="role">
                        <option value="teacher">{t!(i18n, admin.role_teacher)}</option>
                        <option value="directie">{t!(i18n, admin.role_directie)}</option>
                        <option value="administratie">{t!(i18n, admin.role_administratie)}</option>
                    </select>
                    <button type="submit" class="primary">{t!(i18n, admin.send_invite)}</button>
                </ActionForm>
            })}
        </section>
    }
}
