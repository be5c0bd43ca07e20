//! The full-text index: a tantivy index derived from the store, the query language, search with snippets and facets.
