import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextThreadState } from './thread-states.js';

describe('thread states', () => {
  it('a family message is new until someone takes it, then in progress', () => {
    assert.equal(nextThreadState({ state: 'answered', assignedTo: null }, { kind: 'message', author: 'family' }), 'new');
    assert.equal(nextThreadState({ state: 'answered', assignedTo: 'a' }, { kind: 'message', author: 'family' }), 'in_progress');
  });

  it('an answer of the service makes it answered, from any state, closed included', () => {
    for (const state of ['new', 'in_progress', 'closed'] as const) {
      assert.equal(nextThreadState({ state, assignedTo: null }, { kind: 'message', author: 'service' }), 'answered');
    }
  });

  it('assigning starts work on a new thread only', () => {
    assert.equal(nextThreadState({ state: 'new', assignedTo: null }, { kind: 'assigned' }), 'in_progress');
    assert.equal(nextThreadState({ state: 'answered', assignedTo: null }, { kind: 'assigned' }), 'answered');
  });

  it('a closed thread opens again when the family writes', () => {
    assert.equal(nextThreadState({ state: 'closed', assignedTo: null }, { kind: 'message', author: 'family' }), 'new');
    assert.equal(nextThreadState({ state: 'new', assignedTo: null }, { kind: 'closed' }), 'closed');
  });
});
