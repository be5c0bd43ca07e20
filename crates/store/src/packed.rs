//! A version's paragraphs and understanding, stored compactly.
//!
//! Both are JSON. Since schema 5 they are written as zstd-compressed JSON: a BLOB
//! value in the same columns (an SQLite column holds the type each row was written
//! with), about a third of the bytes. Rows written before stay JSON text; both read
//! the same way through [`Json`], so an archive never has to be rewritten to be read
//! (`annalist reprocess` rewrites it in the new form).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use serde::de::DeserializeOwned;

/// The most a packed column may inflate to (a version's text is bounded far below
/// this by extraction; a damaged or hostile database must not exhaust memory).
const MAX_INFLATED: usize = 64 << 20;

/// Compress one JSON value for a packed column.
pub(crate) fn pack(json: &str) -> crate::Result<Vec<u8>> {
    crate::write::compress(json.as_bytes())
}

/// The JSON of a packed or plain column, ready to parse.
pub(crate) struct Json(Vec<u8>);

impl Json {
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.0)
    }
}

impl FromSql for Json {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v {
            ValueRef::Text(t) => Ok(Json(t.to_vec())),
            ValueRef::Blob(z) => inflate(z).map(Json).map_err(|e| FromSqlError::Other(e.into())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

fn inflate(z: &[u8]) -> Result<Vec<u8>, String> {
    let size = zstd::zstd_safe::get_frame_content_size(z)
        .map_err(|_| "a packed column is not a zstd frame".to_string())?
        .ok_or_else(|| "a packed column does not say its size".to_string())?;
    if size > MAX_INFLATED as u64 {
        return Err(format!("a packed column would inflate to {size} bytes"));
    }
    crate::write::decompress(z, size as usize)
        .map_err(|e| format!("a packed column does not decompress: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_and_plain_read_alike() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER, v TEXT)").unwrap();
        let json = r#"["Kim Yong Nam sent a message.","It wished prosperity."]"#;
        conn.execute("INSERT INTO t VALUES (1, ?1)", [json]).unwrap();
        conn.execute("INSERT INTO t VALUES (2, ?1)", [pack(json).unwrap()]).unwrap();
        let read = |n: i64| -> Vec<String> {
            let j: Json = conn.query_row("SELECT v FROM t WHERE n=?1", [n], |r| r.get(0)).unwrap();
            j.parse().unwrap()
        };
        assert_eq!(read(1), read(2));
        assert_eq!(read(2)[1], "It wished prosperity.");
        let stored: i64 = conn.query_row("SELECT length(v) FROM t WHERE n=2", [], |r| r.get(0)).unwrap();
        assert!(stored > 0);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        assert!(inflate(b"not zstd").is_err());
        let mut z = pack("[\"a\"]").unwrap();
        let n = z.len();
        z[n - 2] ^= 0xff;
        // Either the checksum or the frame fails; nothing panics.
        let _ = inflate(&z);
    }
}
