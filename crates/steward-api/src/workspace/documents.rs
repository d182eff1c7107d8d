//! Operations on release documents: templates, revisions, rendering, completeness, exports.
