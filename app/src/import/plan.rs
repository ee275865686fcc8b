//! The comparison of an import file with the school: what is new, what changed, who leaves, whom
//! to invite. Plain code over plain data (`Snapshot` is read by `store`), so every rule is a unit
//! test; the preview, `kring import` and applying all start from the same `Plan`.
use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{Change, Counts, Kind, Line};
use super::roster::{GroupRow, PupilRow, Roster, RowError, TeacherRow};

/// What the school has, as far as the file touches it.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Pupils of the school that have a pupil key.
    pub pupils: Vec<KnownPupil>,
    /// This school year's class groups, by name.
    pub groups: Vec<(i64, String)>,
    /// Accounts for the addresses in the file.
    pub accounts: HashMap<String, Account>,
    /// (pupil id, address) of every guardian link, with its "geen toegang" mark.
    pub guardians: HashMap<(i64, String), bool>,
    /// (pupil id, address) of guardian invitations that are not used or taken back.
    pub invited: HashSet<(i64, String)>,
    /// Teaching staff of the school by address: their account and the groups they have now.
    pub staff: HashMap<String, (i64, Vec<i64>)>,
    /// Addresses with an open staff invitation of the school.
    pub staff_invited: HashSet<String>,
    /// Whether the school keeps guardians' phone numbers.
    pub store_phones: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownPupil {
    pub id: i64,
    pub key: String,
    pub first_name: String,
    pub prefix: String,
    pub last_name: String,
    pub birth_date: Option<String>,
    /// This school year's group, if placed.
    pub group_id: Option<i64>,
}

/// What an address in the file already is in Kring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    /// A guardian of a pupil of this school: linked at once.
    pub guardian_here: bool,
    /// Staff anywhere or an admin: never becomes a guardian through an import.
    pub staff_or_admin: bool,
}

/// A pupil to add or to change (only those with something to do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PupilWork {
    /// `None`: a new pupil.
    pub id: Option<i64>,
    pub row: PupilRow,
    /// Its group's name (created first when new).
    pub group: String,
}

/// What to do for one guardian address: link accounts that already are guardians here, invite the
/// others (one invitation for all their children), mark "geen toegang".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianWork {
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    /// Pupil keys to link at once (the account is a guardian in this school already).
    pub link: Vec<String>,
    /// Pupil keys to invite for.
    pub invite: Vec<String>,
    /// Existing links to mark "geen toegang": (pupil id).
    pub block: Vec<i64>,
    /// The existing account, for links and marks.
    pub user_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TeacherWork {
    /// Staff of the school already: add them to these groups (names).
    Link { user_id: i64, groups: Vec<String> },
    /// Invited as a teacher of these groups.
    Invite {
        email: String,
        name: String,
        groups: Vec<String>,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub lines: Vec<Line>,
    pub counts: Counts,
    pub new_groups: Vec<GroupRow>,
    pub pupils: Vec<PupilWork>,
    /// Pupils placed this year that the file no longer has: their placement ends.
    pub leaving: Vec<i64>,
    pub guardians: Vec<GuardianWork>,
    pub teachers: Vec<TeacherWork>,
}

impl Plan {
    /// Whether applying would change anything.
    pub fn is_empty(&self) -> bool {
        self.new_groups.is_empty()
            && self.pupils.is_empty()
            && self.leaving.is_empty()
            && self.guardians.is_empty()
            && self.teachers.is_empty()
    }

    /// The units of work applying goes through (for its progress bar).
    pub fn size(&self) -> usize {
        self.new_groups.len()
            + self.pupils.len()
            + self.leaving.len()
            + self.guardians.len()
            + self.teachers.len()
    }
}

pub fn full_name(first: &str, prefix: &str, last: &str) -> String {
    [first, prefix, last]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares the file with the school.
pub fn plan(roster: &Roster, school: &Snapshot) -> Plan {
    let mut plan = Plan::default();
    let group_ids: HashMap<&str, i64> = school
        .groups
        .iter()
        .map(|(id, name)| (name.as_str(), *id))
        .collect();
    let group_names: HashMap<i64, &str> = school
        .groups
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    groups(roster, &group_ids, &mut plan);
    let known: HashMap<&str, &KnownPupil> =
        school.pupils.iter().map(|p| (p.key.as_str(), p)).collect();
    for row in &roster.pupils {
        pupil(
            row,
            known.get(row.key.as_str()).copied(),
            &group_names,
            &mut plan,
        );
    }
    leaving(roster, school, &group_names, &mut plan);
    guardians(roster, school, &known, &mut plan);
    teachers(&roster.teachers, school, &group_ids, &mut plan);
    errors(&roster.errors, &mut plan);
    plan
}

fn groups(roster: &Roster, existing: &HashMap<&str, i64>, plan: &mut Plan) {
    let mut seen = HashSet::new();
    let named = roster
        .groups
        .iter()
        .cloned()
        .chain(roster.pupils.iter().map(|p| GroupRow {
            name: p.group.clone(),
            year_group: None,
        }));
    for group in named {
        if existing.contains_key(group.name.as_str()) || !seen.insert(group.name.clone()) {
            continue;
        }
        plan.lines.push(Line::new(
            Change::New,
            Kind::Group,
            &group.name,
            String::new(),
        ));
        plan.counts.groups_new += 1;
        plan.new_groups.push(group);
    }
}

fn pupil(row: &PupilRow, known: Option<&KnownPupil>, groups: &HashMap<i64, &str>, plan: &mut Plan) {
    let name = full_name(&row.first_name, &row.prefix, &row.last_name);
    let Some(known) = known else {
        plan.lines.push(Line::new(
            Change::New,
            Kind::Pupil,
            &row.key,
            format!("{name}, {}", row.group),
        ));
        plan.counts.pupils_new += 1;
        plan.pupils.push(PupilWork {
            id: None,
            row: row.clone(),
            group: row.group.clone(),
        });
        return;
    };
    let mut what = Vec::new();
    let old_name = full_name(&known.first_name, &known.prefix, &known.last_name);
    if old_name != name {
        what.push(format!("naam {old_name} → {name}"));
    }
    let old_group = known.group_id.and_then(|g| groups.get(&g).copied());
    if old_group != Some(row.group.as_str()) {
        what.push(format!(
            "groep {} → {}",
            old_group.unwrap_or("niet geplaatst"),
            row.group
        ));
    }
    // A file without dates never erases one that Kring has.
    if row.birth_date.is_some() && row.birth_date != known.birth_date {
        what.push("geboortedatum".to_string());
    }
    if what.is_empty() {
        return;
    }
    plan.lines.push(Line::new(
        Change::Changed,
        Kind::Pupil,
        &row.key,
        what.join("; "),
    ));
    plan.counts.pupils_changed += 1;
    plan.pupils.push(PupilWork {
        id: Some(known.id),
        row: row.clone(),
        group: row.group.clone(),
    });
}

/// Pupils placed this year whose key the file lacks. A key on a row with an error is in the file:
/// such a pupil is not leaving.
fn leaving(roster: &Roster, school: &Snapshot, groups: &HashMap<i64, &str>, plan: &mut Plan) {
    let in_file: HashSet<&str> = roster
        .pupils
        .iter()
        .map(|p| p.key.as_str())
        .chain(roster.errors.iter().filter_map(|e| e.key.as_deref()))
        .collect();
    let mut gone: Vec<&KnownPupil> = school
        .pupils
        .iter()
        .filter(|p| p.group_id.is_some() && !in_file.contains(p.key.as_str()))
        .collect();
    gone.sort_by(|a, b| a.key.cmp(&b.key));
    for p in gone {
        let group = p
            .group_id
            .and_then(|g| groups.get(&g).copied())
            .unwrap_or("");
        plan.lines.push(Line::new(
            Change::Leaving,
            Kind::Pupil,
            &p.key,
            format!(
                "{}, {group}",
                full_name(&p.first_name, &p.prefix, &p.last_name)
            ),
        ));
        plan.counts.pupils_leaving += 1;
        plan.leaving.push(p.id);
    }
}

fn guardians(
    roster: &Roster,
    school: &Snapshot,
    known: &HashMap<&str, &KnownPupil>,
    plan: &mut Plan,
) {
    // One entry per address, in order of first appearance, for all the address's children.
    let mut work: BTreeMap<usize, GuardianWork> = BTreeMap::new();
    let mut order: HashMap<String, usize> = HashMap::new();
    for row in &roster.pupils {
        let pupil = known.get(row.key.as_str()).copied();
        for g in &row.guardians {
            let email = g.email.as_str().to_string();
            let next = order.len();
            let at = *order.entry(email.clone()).or_insert(next);
            let entry = work.entry(at).or_insert_with(|| GuardianWork {
                email: email.clone(),
                name: g.name.clone(),
                phone: g.phone.clone().filter(|_| school.store_phones),
                link: vec![],
                invite: vec![],
                block: vec![],
                user_id: school.accounts.get(&email).map(|a| a.user_id),
            });
            let linked = pupil.and_then(|p| school.guardians.get(&(p.id, email.clone())));
            match linked {
                // "geen toegang" in the file marks an existing link; nothing ever lifts a mark.
                Some(false) if g.no_access => entry.block.push(pupil.map_or(0, |p| p.id)),
                Some(_) => {}
                // A guardian the school keeps out is neither linked nor invited.
                None if g.no_access => {}
                None => {
                    let invited =
                        pupil.is_some_and(|p| school.invited.contains(&(p.id, email.clone())));
                    let account = school.accounts.get(&email);
                    if invited {
                    } else if account.is_some_and(|a| a.guardian_here && !a.staff_or_admin) {
                        entry.link.push(row.key.clone());
                    } else {
                        entry.invite.push(row.key.clone());
                    }
                }
            }
        }
    }
    for (_, g) in work {
        if g.link.is_empty() && g.invite.is_empty() && g.block.is_empty() {
            continue;
        }
        if !g.link.is_empty() || !g.invite.is_empty() {
            // The same word for both: whether the address has an account stays with its owner.
            let mut keys = g.link.clone();
            keys.extend(g.invite.iter().cloned());
            plan.lines.push(Line::new(
                Change::Invite,
                Kind::Guardian,
                &g.email,
                format!("{} ({})", g.name, keys.join(", ")),
            ));
            plan.counts.guardians_invite += 1;
        }
        if !g.block.is_empty() {
            plan.lines.push(Line::new(
                Change::Changed,
                Kind::Guardian,
                &g.email,
                "geen toegang".to_string(),
            ));
        }
        plan.guardians.push(g);
    }
}

fn teachers(rows: &[TeacherRow], school: &Snapshot, groups: &HashMap<&str, i64>, plan: &mut Plan) {
    for t in rows {
        let email = t.email.as_str().to_string();
        if let Some((user_id, has)) = school.staff.get(&email) {
            let missing: Vec<String> = t
                .groups
                .iter()
                .filter(|name| groups.get(name.as_str()).is_none_or(|id| !has.contains(id)))
                .cloned()
                .collect();
            if missing.is_empty() {
                continue;
            }
            plan.lines.push(Line::new(
                Change::Changed,
                Kind::Teacher,
                &email,
                format!("{}: {}", t.name, missing.join(", ")),
            ));
            plan.teachers.push(TeacherWork::Link {
                user_id: *user_id,
                groups: missing,
            });
        } else if !school.staff_invited.contains(&email) {
            plan.lines.push(Line::new(
                Change::Invite,
                Kind::Teacher,
                &email,
                format!("{}: {}", t.name, t.groups.join(", ")),
            ));
            plan.teachers.push(TeacherWork::Invite {
                email,
                name: t.name.clone(),
                groups: t.groups.clone(),
            });
        }
    }
}

fn errors(errors: &[RowError], plan: &mut Plan) {
    for e in errors {
        plan.lines.push(Line::new(
            Change::Error,
            Kind::Pupil,
            &format!("regel-{}", e.line),
            e.problem.dutch(e.key.as_deref()),
        ));
        plan.counts.errors += 1;
    }
}

#[cfg(test)]
mod tests;
