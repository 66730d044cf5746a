// Preloaded into emulator child processes started with an IPC channel: when the parent goes,
// however it went (Ctrl-C, a crash, SIGKILL), the channel closes and the child exits too.
process.on("disconnect", () => process.exit(0));
// The channel alone must not keep the child alive once it has shut down on SIGTERM.
process.channel?.unref();
