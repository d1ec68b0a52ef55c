import { formatIssue, validateMessageBlocks, validateModalView } from '../../../../app/local/slack/block-kit';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

describe('Block Kit validator', () => {
  it('accepts the blocks and elements InfraWatch renders', () => {
    // Prepare
    const blocks = [
      { type: 'header', text: plain('IAM user created') },
      {
        type: 'section',
        text: mrkdwn('*alice* created `bob`'),
        accessory: { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'IAM' },
      },
      {
        type: 'context',
        elements: [
          mrkdwn('eu-west-1'),
          { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'aws' },
        ],
      },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'infrawatch_ack',
            text: plain('Acknowledge'),
            style: 'primary',
            value: 'evt-1',
          },
          {
            type: 'overflow',
            action_id: 'more',
            options: [
              { text: plain('Mute 1h'), value: 'mute_1h' },
              { text: plain('Open in console'), value: 'console', url: 'https://console.aws.amazon.com/' },
            ],
          },
          {
            type: 'static_select',
            action_id: 'severity',
            placeholder: plain('Severity'),
            options: [{ text: plain('High'), value: 'high' }],
          },
        ],
      },
    ];

    // Act
    const issues = validateMessageBlocks(blocks);

    // Assess
    expect(issues).toEqual([]);
  });

  it('reports every problem of a payload, each with its JSON pointer', () => {
    // Prepare
    const blocks = [
      { type: 'header', text: mrkdwn('x'.repeat(151)) },
      { type: 'actions', elements: [] },
      {
        type: 'section',
        text: plain('ok'),
        accessory: { type: 'button', text: plain('Go'), style: 'green' },
      },
    ];

    // Act
    const issues = validateMessageBlocks(blocks).map(formatIssue);

    // Assess
    expect(issues).toEqual([
      'must be a valid enum value [json-pointer:/blocks/0/text/type]',
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      'must provide at least 1 item [json-pointer:/blocks/1/elements]',
      'must be a valid enum value [json-pointer:/blocks/2/accessory/style]',
    ]);
  });

  it('allows mrkdwn in checkbox options but not in select options', () => {
    // Prepare
    const view = {
      type: 'modal',
      title: plain('Mute'),
      submit: plain('Save'),
      blocks: [
        {
          type: 'input',
          label: plain('Scopes'),
          element: {
            type: 'checkboxes',
            action_id: 'scopes',
            options: [{ text: mrkdwn('*All* accounts'), value: 'all' }],
          },
        },
        {
          type: 'input',
          label: plain('Duration'),
          element: {
            type: 'static_select',
            action_id: 'duration',
            options: [{ text: mrkdwn('*1h*'), value: '1h' }],
          },
        },
      ],
    };

    // Act
    const issues = validateModalView(view).map(formatIssue);

    // Assess
    expect(issues).toEqual([
      'must be a valid enum value [json-pointer:/view/blocks/1/element/options/0/text/type]',
    ]);
  });

  it('refuses message-only blocks in a modal and a modal without a title', () => {
    // Prepare
    const view = { type: 'modal', blocks: [{ type: 'markdown', text: '**hi**' }] };

    // Act
    const issues = validateModalView(view).map(formatIssue);

    // Assess
    expect(issues).toEqual([
      'missing required field: title [json-pointer:/view]',
      'failed to match all allowed schemas [json-pointer:/view/blocks/0]',
    ]);
  });

  it('limits modal title, submit and close to 24 characters and private_metadata to 3000', () => {
    // Prepare
    const view = {
      type: 'modal',
      title: plain('x'.repeat(24)),
      submit: plain('y'.repeat(25)),
      close: mrkdwn('Cancel'),
      private_metadata: 'z'.repeat(3001),
      blocks: [],
    };

    // Act
    const issues = validateModalView(view).map(formatIssue);

    // Assess
    expect(issues).toEqual([
      'must be a valid enum value [json-pointer:/view/close/type]',
      'must be less than 25 characters [json-pointer:/view/submit/text]',
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
  });
});
