//! Reading meaning from article text: knowledge base, entity mentions, date resolution, diplomatic events, event merging.
