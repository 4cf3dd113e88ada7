import type { Milestone, Program } from '../../src/app/packages/domain/program';
import { PROPERTY_OPERATORS } from '../../src/app/packages/domain/program';
import { AppError } from '../errors';
import { inputString } from '../hubspot/action-request';

/**
 * The action's input fields may override the program's default milestone, so one program can be
 * qualified by different workflows (a lifecycle stage in one, a won deal in another).
 */
export function milestoneFromInputs(inputs: Record<string, unknown>, program: Program): Milestone {
  const kind = inputString(inputs, 'milestone_kind');
  const fail = (field: string, message: string) =>
    new AppError('VALIDATION_FAILED', `Invalid workflow action request: inputFields.${field}: ${message}`, {
      issues: [{ path: `inputFields.${field}`, message }],
    });
  switch (kind) {
    case undefined:
    case 'program_default':
      return program.qualification.milestone;
    case 'lifecycle_stage': {
      const stage = inputString(inputs, 'lifecycle_stage');
      if (!stage) throw fail('lifecycle_stage', 'choose the lifecycle stage that qualifies a referral');
      return { kind, stage };
    }
    case 'deal_stage': {
      const pipelineId = inputString(inputs, 'pipeline');
      const stageId = inputString(inputs, 'deal_stage');
      if (!pipelineId) throw fail('pipeline', 'choose the deal pipeline');
      if (!stageId) throw fail('deal_stage', 'choose the deal stage that qualifies a referral');
      return { kind, pipelineId, stageId, orLater: true };
    }
    case 'contact_property': {
      const propertyName = inputString(inputs, 'property_name');
      const operator = inputString(inputs, 'property_operator') ?? 'eq';
      const value = inputString(inputs, 'property_value');
      if (!propertyName) throw fail('property_name', 'choose the contact property to check');
      if (!(PROPERTY_OPERATORS as readonly string[]).includes(operator)) {
        throw fail('property_operator', `must be one of ${PROPERTY_OPERATORS.join(', ')}`);
      }
      if (operator !== 'is_set' && value === undefined) throw fail('property_value', `enter the value to compare ${propertyName} with`);
      return {
        kind: 'property',
        propertyName,
        operator: operator as (typeof PROPERTY_OPERATORS)[number],
        ...(operator === 'is_set' ? {} : { value }),
      };
    }
    default:
      throw fail('milestone_kind', 'must be lifecycle_stage, deal_stage or contact_property');
  }
}
