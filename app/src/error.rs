//! The one error type every server function returns. It crosses the wire, so it carries only what the
//! user may see: causes are logged on the server and never sent to the browser.
use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Also the answer for objects the actor may not see: "not yours" is "not found".
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// `message` is an i18n key (see `crate::i18n_error`) so the client shows it in the user's language.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts, retry after {retry_after}s")]
    RateLimited { retry_after: u64 },
    #[error("internal error")]
    Internal,
    /// Transport problems: no connection, a broken response.
    #[error("request failed")]
    Request(String),
}

impl AppError {
    pub fn validation(field: &str, message: &str) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } => 400,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal | AppError::Request(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Bad or missing arguments from a client are the client's error, not a crash.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::validation("form", "invalid_form")
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
