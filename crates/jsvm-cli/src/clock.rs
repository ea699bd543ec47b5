//! Dates on the command line (`jsvm node --genesis-time`), in UTC, without a calendar crate.

const NS_PER_SEC: i64 = 1_000_000_000;

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC) as nanoseconds since the Unix epoch.
pub(crate) fn parse_utc_ns(text: &str) -> Result<i64, String> {
    let bad = || format!("'{text}' is not a UTC time like 2030-01-31 or 2030-01-31T12:00:00Z");
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z').ok_or_else(bad)?)),
        None => (text, None),
    };
    let numbers = |part: &str, sep: char, widths: &[usize]| -> Option<Vec<i64>> {
        let fields: Vec<&str> = part.split(sep).collect();
        let well_formed = fields.len() == widths.len()
            && fields.iter().zip(widths).all(|(f, w)| f.len() == *w && f.bytes().all(|b| b.is_ascii_digit()));
        well_formed.then(|| fields.iter().map(|f| f.parse().unwrap_or(0)).collect())
    };
    let ymd = numbers(date, '-', &[4, 2, 2]).ok_or_else(bad)?;
    let hms = match time {
        Some(time) => numbers(time, ':', &[2, 2, 2]).ok_or_else(bad)?,
        None => vec![0, 0, 0],
    };
    let (year, month, day) = (ymd[0], ymd[1], ymd[2]);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hms[0] > 23
        || hms[1] > 59
        || hms[2] > 59
    {
        return Err(bad());
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Ok(seconds * NS_PER_SEC)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date in the proleptic Gregorian calendar (Howard Hinnant's
/// algorithm: years counted from March so that the leap day ends the year).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_utc_nanoseconds() {
        assert_eq!(parse_utc_ns("1970-01-01"), Ok(0));
        assert_eq!(parse_utc_ns("2000-03-01T00:00:01Z"), Ok(951_868_801 * NS_PER_SEC));
        assert_eq!(parse_utc_ns("2024-02-29T23:59:59Z"), Ok(1_709_251_199 * NS_PER_SEC));
        assert_eq!(parse_utc_ns("1969-12-31T23:59:59Z"), Ok(-NS_PER_SEC));
    }

    #[test]
    fn malformed_or_impossible_dates_are_refused() {
        for text in ["2023-02-29", "2030-13-01", "2030-1-01", "2030-01-01T24:00:00Z", "2030-01-01T12:00:00", "soon", ""]
        {
            let e = parse_utc_ns(text).unwrap_err();
            assert!(e.contains(&format!("'{text}'")), "{e}");
        }
    }
}
