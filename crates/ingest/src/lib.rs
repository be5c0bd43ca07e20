//! Reading raw captures: input discovery, kind detection by content, decompression, character decoding, size limits, dataset records.
