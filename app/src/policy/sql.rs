//! Building a query from rules without positional conventions: each rule pushes its own SQL and
//! binds its own values (sqlx's `QueryBuilder::push_bind`), so no fragment counts on `$1` being the
//! user or `$2` the date, and a list of ids is bound value by value, never spliced.
use sqlx::{Postgres, QueryBuilder, Sqlite};

/// What the rules need of a query builder, for either backend.
pub trait Sql {
    /// Appends SQL text (never a value).
    fn add(&mut self, sql: &str) -> &mut Self;
    fn id(&mut self, value: i64) -> &mut Self;
    fn text(&mut self, value: &str) -> &mut Self;
    fn flag(&mut self, value: bool) -> &mut Self;
    /// `(v1, v2, …)`; an empty list is `(NULL)`, which matches nothing.
    fn ids(&mut self, values: &[i64]) -> &mut Self {
        self.add("(").list(values).add(")")
    }
    /// `v1, v2, …` without parentheses, to stand inside `IN (…)`; an empty list is `NULL`.
    fn list(&mut self, values: &[i64]) -> &mut Self {
        if values.is_empty() {
            return self.add("NULL");
        }
        for (n, v) in values.iter().enumerate() {
            if n > 0 {
                self.add(", ");
            }
            self.id(*v);
        }
        self
    }
}

macro_rules! impl_sql {
    ($db:ty) => {
        impl Sql for QueryBuilder<'_, $db> {
            fn add(&mut self, sql: &str) -> &mut Self {
                self.push(sql)
            }
            fn id(&mut self, value: i64) -> &mut Self {
                self.push_bind(value)
            }
            fn text(&mut self, value: &str) -> &mut Self {
                self.push_bind(value.to_string())
            }
            fn flag(&mut self, value: bool) -> &mut Self {
                self.push_bind(value)
            }
        }
    };
}

impl_sql!(Sqlite);
impl_sql!(Postgres);
