// A progress bar whose run has finished: show its page in full, once. (The server answered 286, so htmx has stopped
// polling and this reload is not restarted by the next poll.)
window.location.reload();
