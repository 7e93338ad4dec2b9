/** The names `pull --per-target` gives the variables it makes: from resource and field, stable. */
import { describe, expect, it } from 'vitest';
import { varNameFor } from '../../src/engine/var-names.js';

describe('varNameFor', () => {
  it('joins the resource name and the field path in lower case, list positions left out', () => {
    expect(varNameFor('Refund request', ['Description'])).toBe('refund_request_description');
    expect(varNameFor('Refund request', ['Fields', 2, 'Description'])).toBe('refund_request_fields_description');
    expect(varNameFor('negative-sentiment', ['Actions', 0, 'TaskAction', 'Name'])).toBe(
      'negative_sentiment_actions_task_action_name',
    );
  });

  it('is a valid var name whatever the resource is called, and bounded', () => {
    expect(varNameFor('2024 ☎ queue', ['PublishStatus'])).toBe('v_2024_queue_publish_status');
    expect(varNameFor('x'.repeat(200), ['Description']).length).toBeLessThanOrEqual(64);
    // Too long: the path's outer words go, the field's own name stays.
    expect(
      varNameFor('live-call-supervisor-alert', [
        'Actions',
        0,
        'SendNotificationAction',
        'Recipient',
        'UserTags',
        'role',
      ]),
    ).toBe('live_call_supervisor_alert_recipient_user_tags_role');
    expect(varNameFor('Same', ['Description'])).toBe(varNameFor('Same', ['Description']));
  });
});
