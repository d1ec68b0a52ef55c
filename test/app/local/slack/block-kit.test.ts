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
      },
      { type: 'context', elements: [mrkdwn('eu-west-1'), plain('us-east-1')] },
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

  it('refuses by name the Block Kit InfraWatch never renders, in messages and modals', () => {
    // Prepare
    const blocks = [{ type: 'section', text: plain('x'), accessory: { type: 'image', alt_text: 'a' } }];
    const view = { type: 'modal', blocks: [{ type: 'markdown', text: '**hi**' }] };

    // Act
    const inMessage = validateMessageBlocks(blocks).map(formatIssue);
    const inModal = validateModalView(view).map(formatIssue);

    // Assess
    expect(inMessage).toEqual(['unsupported type: image [json-pointer:/blocks/0/accessory/type]']);
    expect(inModal).toEqual([
      'missing required field: title [json-pointer:/view]',
      'unsupported type: markdown [json-pointer:/view/blocks/0/type]',
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
