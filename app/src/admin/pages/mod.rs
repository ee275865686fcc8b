pub mod home;
pub mod pupil;
pub mod school;
pub mod staff;
