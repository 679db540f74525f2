import { describe, expect, test } from 'vitest';
import type { ApiCallRecord } from '../../../../shared/smokeball/request.ts';
import { createRunRecorder } from '../../../../shared/sync/matter/run-recorder.ts';

const call = (requestId: string, attempt = 1): ApiCallRecord => ({
  method: 'POST',
  endpoint: 'POST /contacts',
  status: 202,
  requestId,
  attempt,
  durationMs: 40,
  outcome: 'response',
});

describe('createRunRecorder()', () => {
  test('records steps with the time they happened by the given clock, and a detail only when there is one', () => {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    const recorder = createRunRecorder(() => now);
    recorder.step('contact', 'created');
    now += 1_500;
    recorder.step('matter', 'linked', 'found by externalSystemId');
    recorder.step('documents', 'bulk_created', '');
    expect(recorder.snapshot().steps).toEqual([
      { step: 'contact', outcome: 'created', at: '2026-12-01T10:00:00.000Z' },
      { step: 'matter', outcome: 'linked', at: '2026-12-01T10:00:01.500Z', detail: 'found by externalSystemId' },
      { step: 'documents', outcome: 'bulk_created', at: '2026-12-01T10:00:01.500Z' },
    ]);
  });

  test('counts every API call attempt and keeps each RequestId in order', () => {
    const recorder = createRunRecorder(() => 0);
    recorder.onRequest(call('rid-1'));
    recorder.onRequest(call('rid-2', 2));
    recorder.onRequest(call('rid-3'));
    expect(recorder.snapshot()).toMatchObject({ apiCalls: 3, requestIds: ['rid-1', 'rid-2', 'rid-3'] });
  });

  test('a snapshot is a copy: later steps and calls do not change it', () => {
    const recorder = createRunRecorder(() => 0);
    recorder.step('contact', 'existing');
    recorder.onRequest(call('rid-1'));
    const before = recorder.snapshot();
    recorder.step('matter', 'created');
    recorder.onRequest(call('rid-2'));
    expect(before).toMatchObject({ apiCalls: 1, requestIds: ['rid-1'] });
    expect(before.steps).toHaveLength(1);
    before.requestIds.push('tampered');
    expect(recorder.snapshot().requestIds).toEqual(['rid-1', 'rid-2']);
  });
});
