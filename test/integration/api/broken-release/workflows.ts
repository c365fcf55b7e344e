// A release whose connection workflow cannot run: every workflow task fails, as after a deploy that broke replay.
export async function connectionWorkflow(): Promise<void> {
  throw new Error('release 2.0 broke replay: nondeterministic change to connectionWorkflow');
}
