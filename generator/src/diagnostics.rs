//! Located diagnostics. Every stage collects its findings here and reports them together.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One segment of a JSON pointer: `~` and `/` escaped as RFC 6901 says (`~0`, `~1`).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Where a finding is: the file (relative to the root description's folder), the line when the
/// file could be read, and the JSON pointer inside that file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub pointer: String,
}

impl Location {
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, " at #{}", self.pointer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// What the generator did about it (warnings) or what would fix it (errors).
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}\n  --> {}", self.message, self.location)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = {hint}")?;
        }
        Ok(())
    }
}

/// The findings of one run, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, location: Location, message: impl Into<String>) {
        self.push(Severity::Error, location, message.into(), None);
    }

    pub fn error_hint(
        &mut self,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Error, location, message.into(), Some(hint.into()));
    }

    /// A defect the generator works around; `action` says what it did instead.
    pub fn warn(
        &mut self,
        location: Location,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            location,
            message.into(),
            Some(action.into()),
        );
    }

    fn push(
        &mut self,
        severity: Severity,
        location: Location,
        message: String,
        hint: Option<String>,
    ) {
        self.items.push(Diagnostic {
            severity,
            location,
            message,
            hint,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Turns every warning into an error (the strict mode).
    pub fn make_strict(&mut self) {
        for item in &mut self.items {
            item.severity = Severity::Error;
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{item}")?;
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        if !self.items.is_empty() {
            writeln!(f)?;
        }
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

/// The generator's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The description could not be turned into code; every finding is listed.
    #[error("{0}")]
    Spec(Diagnostics),
    /// A template produced text that is not valid Rust, or could not be rendered.
    #[error("template `{template}` failed while rendering {subject}: {message}")]
    Render {
        template: String,
        subject: String,
        message: String,
    },
    /// Two generated files would have the same path; the second would silently replace the
    /// first, so the run fails instead.
    #[error("two generated files have the path `{path}`: {first} and {second}")]
    DuplicatePath {
        path: String,
        first: String,
        second: String,
    },
}

impl Error {
    /// The diagnostics of a spec error, for tests and tools.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Spec(d) => Some(d),
            Error::Render { .. } | Error::DuplicatePath { .. } => None,
        }
    }
}
