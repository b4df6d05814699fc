import { describe, expect, it } from 'vitest';
import { selectFlowId } from './flow-selection';

const hotline = {
  defaultFlowId: 'main',
  flowMappings: [
    { dnis: '+4930999001', aniPrefix: '+43', flowId: 'austria-sales' },
    { dnis: '+4930999001', flowId: 'sales' },
    { aniPrefix: '+4917', flowId: 'mobile' },
    { trunkId: 'partner-trunk', flowId: 'partner' },
  ],
};

describe('flow selection', () => {
  it('picks the first mapping whose every field matches the call', () => {
    expect(selectFlowId(hotline, { dnis: '+4930999001', ani: '+431234' })).toBe('austria-sales');
    expect(selectFlowId(hotline, { dnis: '+4930999001', ani: '+4930111' })).toBe('sales');
  });

  it('matches by caller prefix and by inbound trunk', () => {
    expect(selectFlowId(hotline, { dnis: '+4930999000', ani: '+4917012345' })).toBe('mobile');
    expect(selectFlowId(hotline, { dnis: '+4930999000', ani: '+4930111', trunk: 'partner-trunk' })).toBe(
      'partner',
    );
  });

  it('falls back to the default flow', () => {
    expect(selectFlowId(hotline, { dnis: '+4930999000', ani: '+4930111', trunk: 'carrier-1' })).toBe('main');
  });
});
