import type { Notification, Notifier } from "../../shared/services/notifier.js";

/** A notifier that keeps what is sent in memory, for tests that read the notifications themselves. */
export function recordingNotifier(): Notifier & { readonly sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    send(n) {
      const i = sent.findIndex((r) => r.id === n.id);
      if (i >= 0) sent[i] = n;
      else sent.push(n);
      return Promise.resolve();
    },
    forget(municipalityId, candidateId) {
      for (let i = sent.length - 1; i >= 0; i--) {
        const n = sent[i];
        if (n?.municipalityId === municipalityId && n.candidateId === candidateId) sent.splice(i, 1);
      }
      return Promise.resolve();
    },
  };
}
