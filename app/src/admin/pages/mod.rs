pub mod foundation;
pub mod home;
pub mod invitations;
pub mod pupil;
pub mod school;
pub mod staff;
