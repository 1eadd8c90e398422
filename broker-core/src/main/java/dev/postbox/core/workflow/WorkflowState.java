package dev.postbox.core.workflow;

/**
 * Where a workflow run stands (docs/workflow.md). A run starts with its trigger and ends once:
 *
 * <pre>
 *   RUN_STARTED ──DELETE ?cancel=false──▶ RUN_SUCCESS
 *        │ ├─────DELETE ?cancel=true───▶ RUN_CANCELED
 *        │ └─────a step failed for good─▶ RUN_FAILED
 * </pre>
 */
public enum WorkflowState {
  RUN_STARTED,
  RUN_SUCCESS,
  RUN_FAILED,
  RUN_CANCELED
}
