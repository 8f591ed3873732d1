//! Screens, one file each.

pub mod report;
