//! Sessions that keep running around the pipeline: the [`watcher`] that rebuilds on every
//! save (`brief watch`, `brief preview`), and the live preview: its session ([`preview`]),
//! what it shows ([`state`]), its HTTP server ([`server`], with the page's own script and
//! style in `page/`) and the way from a click on a page to the brief's line ([`locate`]).

pub mod locate;
pub mod preview;
pub mod server;
pub mod state;
pub mod watcher;
