//! Turning one capture into an article: headline, outlet, dates, body without chrome, teasers, language.
