//! `format: date-time` and `format: date` values that keep the text the server sent, with a
//! typed view parsed on request.
//!
//! The typed values are the `time` crate's: `OffsetDateTime` keeps the offset ISC sent (not
//! only the instant), `time` has no local-time-zone lookup (the source of chrono's old
//! soundness advisory) and builds without default features into a small dependency. The
//! parser is our own, because ISC sends what RFC 3339 parsers refuse: `2024-06-13T00:00Z`
//! (no seconds), ten fractional digits, and offsets without a colon.

use std::fmt;
use std::str::FromStr;

use time::{Date as TimeDate, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Why a date or date-time text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {kind}: {reason}")]
pub struct DateParseError {
    text: String,
    kind: &'static str,
    reason: &'static str,
}

/// A `format: date-time` value: the text exactly as received (decoding never fails on a date
/// a server formats differently, and re-encoding sends the same bytes), and its typed value
/// through [`DateTime::value`].
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(String);

/// A `format: date` value (`2024-06-13`), kept as received like [`DateTime`].
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(String);

impl DateTime {
    /// A value with this text, as a server would send it; not checked.
    pub fn from_wire(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The typed value; see [`parse_date_time`] for what is accepted.
    pub fn value(&self) -> Result<OffsetDateTime, DateParseError> {
        parse_date_time(&self.0)
    }
}

impl Date {
    /// A value with this text, as a server would send it; not checked.
    pub fn from_wire(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The typed value.
    pub fn value(&self) -> Result<TimeDate, DateParseError> {
        parse_date(&self.0)
    }
}

/// Sends an `OffsetDateTime` as RFC 3339: seconds always, fractions only when there are any
/// (as many digits as needed, up to nine), `Z` for UTC.
impl From<OffsetDateTime> for DateTime {
    fn from(value: OffsetDateTime) -> Self {
        let mut text = format_date(value.date());
        text.push_str(&format!(
            "T{:02}:{:02}:{:02}",
            value.hour(),
            value.minute(),
            value.second()
        ));
        let nanos = value.nanosecond();
        if nanos != 0 {
            let digits = format!("{nanos:09}");
            text.push('.');
            text.push_str(digits.trim_end_matches('0'));
        }
        let offset = value.offset();
        if offset.is_utc() {
            text.push('Z');
        } else {
            let (h, m, _) = offset.as_hms();
            let sign = if offset.is_negative() { '-' } else { '+' };
            text.push_str(&format!("{sign}{:02}:{:02}", h.abs(), m.abs()));
        }
        Self(text)
    }
}

impl From<TimeDate> for Date {
    fn from(value: TimeDate) -> Self {
        Self(format_date(value))
    }
}

fn format_date(date: TimeDate) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Checks the text, then keeps it as written.
impl FromStr for DateTime {
    type Err = DateParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_date_time(text).map(|_| Self(text.to_owned()))
    }
}

impl FromStr for Date {
    type Err = DateParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_date(text).map(|_| Self(text.to_owned()))
    }
}

macro_rules! text_impls {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self)
            }
        }

        impl From<String> for $ty {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&str> for $ty {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

text_impls!(DateTime);
text_impls!(Date);

/// Reads a date-time as ISC sends it: `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM`, then
/// optionally `:SS` and a fraction of any length (digits past nanoseconds are dropped), then
/// `Z` (or `z`), an offset `±HH:MM`, `±HHMM` or `±HH` (after a space too, and `+0000 UTC` as
/// Go prints it), or nothing, which is read as UTC.
pub fn parse_date_time(text: &str) -> Result<OffsetDateTime, DateParseError> {
    let fail = |reason| DateParseError {
        text: text.to_owned(),
        kind: "date-time",
        reason,
    };
    let mut cursor = Cursor(text.as_bytes());
    let date = cursor.date().map_err(fail)?;
    if !cursor.eat_any(b"Tt ") {
        return Err(fail("expected `T` after the date"));
    }
    let hour = cursor
        .digits(2)
        .ok_or_else(|| fail("expected a two-digit hour"))?;
    if !cursor.eat(b':') {
        return Err(fail("expected `:` after the hour"));
    }
    let minute = cursor
        .digits(2)
        .ok_or_else(|| fail("expected two-digit minutes"))?;
    let (mut second, mut nanos) = (0, 0);
    if cursor.eat(b':') {
        second = cursor
            .digits(2)
            .ok_or_else(|| fail("expected two-digit seconds"))?;
        if cursor.eat_any(b".,") {
            let digits = cursor.take_while(|b| b.is_ascii_digit());
            if digits.is_empty() {
                return Err(fail("expected digits after the decimal point"));
            }
            for i in 0..9 {
                nanos = nanos * 10 + digits.get(i).map_or(0, |d| u32::from(d - b'0'));
            }
        }
    }
    // Go's `time.String()` puts a space before the offset.
    cursor.eat(b' ');
    let offset = match cursor.next() {
        // No offset at all (`2022-09-19 13:55:26`): ISC's services write UTC.
        None => UtcOffset::UTC,
        Some(b'Z' | b'z') => UtcOffset::UTC,
        Some(sign @ (b'+' | b'-')) => {
            let hours = cursor
                .digits(2)
                .ok_or_else(|| fail("expected a two-digit offset hour"))?;
            let colon = cursor.eat(b':');
            let minutes = match cursor.digits(2) {
                Some(m) => m,
                None if !colon => 0,
                None => return Err(fail("expected two-digit offset minutes")),
            };
            let sign: i8 = if sign == b'-' { -1 } else { 1 };
            // Real offsets stay within a day; `time` alone would take up to ±25:59.
            if hours > 23 || minutes > 59 {
                return Err(fail("the offset is out of range"));
            }
            let (h, m) = (i8::try_from(hours), i8::try_from(minutes));
            let offset = match (h, m) {
                (Ok(h), Ok(m)) => UtcOffset::from_hms(sign * h, sign * m, 0)
                    .map_err(|_| fail("the offset is out of range"))?,
                _ => return Err(fail("the offset is out of range")),
            };
            // Go also names the zone (`+0000 UTC`); only names that cannot contradict a zero
            // offset are accepted.
            if offset.is_utc() && (cursor.0 == b" UTC" || cursor.0 == b" GMT") {
                cursor.0 = &[];
            }
            offset
        }
        _ => return Err(fail("expected `Z` or an offset such as `+02:00`")),
    };
    if !cursor.0.is_empty() {
        return Err(fail("unexpected text after the offset"));
    }
    let time = u8::try_from(hour)
        .ok()
        .zip(u8::try_from(minute).ok())
        .zip(u8::try_from(second).ok())
        .and_then(|((h, m), s)| Time::from_hms_nano(h, m, s, nanos).ok())
        .ok_or_else(|| fail("the time of day is out of range"))?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// Reads a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<TimeDate, DateParseError> {
    let fail = |reason| DateParseError {
        text: text.to_owned(),
        kind: "date",
        reason,
    };
    let mut cursor = Cursor(text.as_bytes());
    let date = cursor.date().map_err(fail)?;
    if !cursor.0.is_empty() {
        return Err(fail("unexpected text after the date"));
    }
    Ok(date)
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn next(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.eat_any(&[byte])
    }

    fn eat_any(&mut self, bytes: &[u8]) -> bool {
        match self.0.first() {
            Some(b) if bytes.contains(b) => {
                self.0 = &self.0[1..];
                true
            }
            _ => false,
        }
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &[u8] {
        let end = self
            .0
            .iter()
            .position(|b| !keep(*b))
            .unwrap_or(self.0.len());
        let (taken, rest) = self.0.split_at(end);
        self.0 = rest;
        taken
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let digits = self.0.get(..n)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(
            digits
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    fn date(&mut self) -> Result<TimeDate, &'static str> {
        let year = self.digits(4).ok_or("expected a four-digit year")?;
        if !self.eat(b'-') {
            return Err("expected `-` after the year");
        }
        let month = self.digits(2).ok_or("expected a two-digit month")?;
        if !self.eat(b'-') {
            return Err("expected `-` after the month");
        }
        let day = self.digits(2).ok_or("expected a two-digit day")?;
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or("the month is out of range")?;
        let year = i32::try_from(year).map_err(|_| "the year is out of range")?;
        let day = u8::try_from(day).map_err(|_| "the day is out of range")?;
        TimeDate::from_calendar_date(year, month, day).map_err(|_| "the day is out of range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, the same instant written in full RFC 3339 with a numeric offset)
    #[test]
    fn what_isc_sends_parses() {
        for (text, expected) in [
            ("2024-06-13T00:00Z", "2024-06-13T00:00:00Z"),
            ("2024-06-13T10:20:30Z", "2024-06-13T10:20:30Z"),
            ("2024-06-13T10:20:30.5Z", "2024-06-13T10:20:30.5Z"),
            ("2019-08-23T18:52:59.162Z", "2019-08-23T18:52:59.162Z"),
            ("2020-01-01T00:00:00.000000Z", "2020-01-01T00:00:00Z"),
            (
                "2021-09-28T15:48:29.3801666300Z",
                "2021-09-28T15:48:29.38016663Z",
            ),
            (
                "2020-03-24T11:11:41.139-05:00",
                "2020-03-24T11:11:41.139-05:00",
            ),
            ("2020-03-24T11:11:41+0530", "2020-03-24T11:11:41+05:30"),
            ("2020-03-24T11:11+02", "2020-03-24T11:11:00+02:00"),
            ("2020-03-24 11:11:41z", "2020-03-24T11:11:41Z"),
            ("2022-09-19 13:55:26", "2022-09-19T13:55:26Z"),
            ("2024-03-22 16:32:16.308857", "2024-03-22T16:32:16.308857Z"),
            ("2009-11-10 23:00:00 +0000 UTC", "2009-11-10T23:00:00Z"),
        ] {
            let value = parse_date_time(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(DateTime::from(value).as_str(), expected, "{text}");
        }
    }

    #[test]
    fn malformed_texts_are_refused_with_a_reason() {
        for (text, reason) in [
            (
                "2020-09-07T42:14:00.364Z",
                "the time of day is out of range",
            ),
            ("2024-02-30T00:00Z", "the day is out of range"),
            ("2024-06-13", "expected `T` after the date"),
            (
                "2024-06-13T10:20:30Q",
                "expected `Z` or an offset such as `+02:00`",
            ),
            (
                "2009-11-10 23:00:00 +0100 CET",
                "unexpected text after the offset",
            ),
            ("Mon Aug 21 14:55:39 CDT 2023", "expected a four-digit year"),
            (
                "2024-06-13T10:20:30.Z",
                "expected digits after the decimal point",
            ),
            (
                "2024-06-13T10:20:30Z trailing",
                "unexpected text after the offset",
            ),
            ("24-06-13T10:20Z", "expected a four-digit year"),
            ("2024-06-13T10:20+25:00", "the offset is out of range"),
        ] {
            let err = parse_date_time(text).map_or_else(|e| e, |v| panic!("{text} parsed: {v}"));
            assert_eq!(
                err.to_string(),
                format!("`{text}` is not a date-time: {reason}")
            );
        }
    }

    #[test]
    fn dates_parse_and_print() {
        let date = parse_date("2024-06-13").unwrap();
        assert_eq!(Date::from(date).as_str(), "2024-06-13");
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("2024-06-13T00:00Z").is_err());
    }

    #[test]
    fn the_wire_text_round_trips_byte_for_byte() {
        for text in [
            "2024-06-13T00:00Z",
            "2020-01-01T00:00:00.000000Z",
            "not a date",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let value: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            assert_eq!(format!("{value}"), text);
        }
        assert!("2024-06-13T00:00Z".parse::<DateTime>().is_ok());
        assert!("yesterday".parse::<DateTime>().is_err());
    }
}
