// TEMP STUB (not committed): replaced by the decode branch.
pub mod dedup;
pub mod kick;
