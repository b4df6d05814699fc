import type { FlowDocumentInput } from '../flow-schema';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const tts = (text: string) => ({ kind: 'tts' as const, text });

/**
 * The demo tenant's main flow, also written out as docs/examples/flows/demo-menu.json: welcome,
 * a business-hours check, then a menu (1 sales, 2 support with a CRM lookup, 9 voicemail) where
 * two retries of invalid or missing input end at the operator queue.
 */
export const demoMenuFlow = {
  id: 'demo-menu',
  version: 1,
  name: 'Demo main menu',
  description: 'Welcome, business hours, menu: 1 sales, 2 support (CRM lookup), 9 voicemail.',
  start: 'welcome',
  variables: { customer_tier: 'standard' },
  lists: {},
  nodes: [
    { id: 'welcome', type: 'play', prompts: [tts('Welcome to the Hotline demo.')], next: 'hours' },
    {
      id: 'hours',
      type: 'business-hours',
      calendar: {
        timeZone: 'Europe/Berlin',
        weekly: weekdays.map((day) => ({ day, open: '08:00', close: '18:00' })),
        holidays: [
          { date: '2026-01-01', name: 'New Year', hours: [] },
          { date: '2026-12-24', name: 'Christmas Eve', hours: [{ open: '08:00', close: '12:00' }] },
          { date: '2026-12-25', name: 'Christmas Day', hours: [] },
        ],
      },
      open: 'main-menu',
      closed: 'closed',
    },
    {
      id: 'closed',
      type: 'play',
      prompts: [tts('We are closed. Opening hours are Monday to Friday, eight to six.')],
      next: 'voicemail',
    },
    {
      id: 'main-menu',
      type: 'menu',
      prompts: [tts('For sales, press 1. For support, press 2. To leave a message, press 9.')],
      options: { '1': 'sales-queue', '2': 'support-lookup', '9': 'voicemail' },
      timeoutMs: 5000,
      retries: 2,
      invalidPrompts: [tts('Sorry, that is not a valid choice.')],
      timeoutPrompts: [tts('Sorry, we did not hear your choice.')],
      onFailure: 'operator-queue',
      variable: 'menu_choice',
    },
    {
      id: 'sales-queue',
      type: 'enqueue',
      queueId: 'sales',
      priority: 10,
      skills: [{ skill: 'sales', minLevel: 1 }],
      attach: { menu: "'sales'", ani: 'call.ani' },
    },
    {
      id: 'support-lookup',
      type: 'http-lookup',
      method: 'GET',
      url: 'https://crm.demo.hotline.test/customers?phone={{ call.ani }}',
      timeoutMs: 1500,
      map: [
        { variable: 'customer_name', path: 'name' },
        { variable: 'customer_tier', path: 'tier' },
      ],
      next: 'support-tier',
      onError: 'support-queue',
    },
    {
      id: 'support-tier',
      type: 'condition',
      branches: [{ when: "customer_tier == 'gold'", next: 'support-queue-gold' }],
      otherwise: 'support-queue',
    },
    {
      id: 'support-queue-gold',
      type: 'enqueue',
      queueId: 'support',
      priority: 50,
      skills: [{ skill: 'support', minLevel: 3 }],
      attach: { menu: "'support'", customer: 'coalesce(customer_name, call.ani)', tier: 'customer_tier' },
    },
    {
      id: 'support-queue',
      type: 'enqueue',
      queueId: 'support',
      priority: 10,
      skills: [{ skill: 'support', minLevel: 1 }],
      attach: { menu: "'support'", customer: 'coalesce(customer_name, call.ani)', tier: 'customer_tier' },
    },
    {
      id: 'voicemail',
      type: 'voicemail',
      mailbox: 'general',
      prompts: [tts('Please leave your message after the tone. Press hash when you are done.')],
      maxSeconds: 120,
      next: 'goodbye',
    },
    { id: 'goodbye', type: 'play', prompts: [tts('Thank you for calling. Goodbye.')], next: 'hang-up' },
    { id: 'operator-queue', type: 'enqueue', queueId: 'operator', priority: 20 },
    { id: 'hang-up', type: 'hangup' },
  ],
} satisfies FlowDocumentInput;

/** Hosts and queues the demo flow needs in the demo tenant's configuration. */
export const demoMenuFlowNeeds = {
  allowedHosts: ['crm.demo.hotline.test'],
  queues: ['sales', 'support', 'operator'],
  mailboxes: ['general'],
};
