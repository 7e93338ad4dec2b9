/**
 * Facts of the Connect rules API that its shapes do not carry, shared by the rule kind
 * (validation, normalization) and the sandbox (which enforces them like AWS does).
 */

/** ActionType → the RuleAction member that carries its definition (not derivable from names). */
export const ACTION_MEMBER: Record<string, string> = {
  CREATE_TASK: 'TaskAction',
  ASSIGN_CONTACT_CATEGORY: 'AssignContactCategoryAction',
  GENERATE_EVENTBRIDGE_EVENT: 'EventBridgeAction',
  SEND_NOTIFICATION: 'SendNotificationAction',
  CREATE_CASE: 'CreateCaseAction',
  UPDATE_CASE: 'UpdateCaseAction',
  ASSIGN_SLA: 'AssignSlaAction',
  END_ASSOCIATED_TASKS: 'EndAssociatedTasksAction',
  SUBMIT_AUTO_EVALUATION: 'SubmitAutoEvaluationAction',
  EXTRACT_INFORMATION: 'ExtractInformationAction',
};
