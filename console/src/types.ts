// The server's JSON, as the handlers in host/src/api/*.cpp write it.

export interface Step {
  name: string;
  model: string;
  provider: string;
  input_tokens: number;
  output_tokens: number;
  duration_ms: number;
}

/** What every answer from a model reports: who wrote it, its tokens, its price, the request. */
export interface Usage {
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  estimated_cost_usd: number;
  request_id: string;
}

/** A story or a chat reply: the usage, the framework that wrote it and how long it took. */
export interface Generation extends Usage {
  method: string;
  generation_time_ms: number;
}

export interface Story extends Generation {
  id: number;
  primary_character: string;
  secondary_character: string;
  combined_characters: string;
  story: string;
  transaction_guid: string;
  created_at?: string;
  steps?: Step[];
}

export interface StoryPage {
  stories: Story[];
  total: number;
  skip: number;
  limit: number;
}

export interface CompareResult {
  framework: string;
  ok: boolean;
  story?: Story;
  status?: number;
  error?: { code?: string; message?: string; request_id?: string };
}

export interface CompareAnswer {
  primary_character: string;
  secondary_character: string;
  results: CompareResult[];
  total_time_ms: number;
  request_id: string;
}

export interface Conversation {
  id: number;
  title: string;
  method: string;
  message_count: number;
  created_at: string;
  updated_at: string;
}

export interface ChatMessage {
  id: number;
  role: 'user' | 'assistant' | string;
  content: string;
  created_at: string;
  generation_time_ms?: number;
  total_tokens?: number;
  estimated_cost_usd?: number;
}

export interface ConversationWithMessages extends Conversation {
  messages: ChatMessage[];
}

export interface ChatTurn extends Generation {
  response: string;
  conversation_id: number;
  message_id: number;
}

export interface UploadAnswer {
  file_id: string;
  filename: string;
  file_type: string;
  file_size_bytes: number;
  processed_content_length: number;
  processing_time_ms: number;
  request_id: string;
}

export interface ExecuteAnswer extends Usage {
  execution_id: number;
  response: string;
  framework: string;
  file_id: string;
  file_processing_time_ms: number;
  llm_execution_time_ms: number;
  total_execution_time_ms: number;
}

export interface UsageTotals {
  requests: number;
  tokens: number;
  cost_usd: number;
}

export interface UsageReport {
  summary: {
    total_requests: number;
    total_tokens: number;
    total_cost_usd: number;
    average_cost_per_request: number;
    date_range: { start: string; end: string };
  };
  by_framework: Record<string, UsageTotals>;
  by_day: (UsageTotals & { date: string })[];
}

export interface Transaction extends Usage {
  id: number;
  type: string;
  framework: string;
  cached_tokens: number;
  priced: boolean;
  generation_time_ms: number;
  status: string;
  cache_hit: boolean;
  avoided_cost_usd: number;
  transaction_guid: string;
  created_at: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  team: string;
  rate_limit_per_hour: number | null;
  active: boolean;
  created_at: string;
  expires_at: string | null;
  daily_budget_usd: number | null;
  monthly_budget_usd: number | null;
  spent_today_usd?: number | null;
  spent_this_month_usd?: number | null;
}

export interface PluginInfo {
  name: string;
  kind: string;
  version: string;
  api_version: string;
  description: string;
  sha256: string;
  path: string;
  loaded_at: string;
  generation: number;
  state: 'active' | 'draining' | string;
  in_flight: number;
}

export interface CircuitBreaker {
  state: string;
  consecutive_failures: number;
  total_failures: number;
  total_successes: number;
  failure_threshold: number;
  recovery_timeout_seconds: number;
  retry_in_seconds?: number;
  in_flight: number;
}

export interface CacheStatus {
  enabled: boolean;
  backend: string;
  hits: number;
  misses: number;
  hit_rate: number;
  stores: number;
  entries: number;
  bytes: number;
  cost_saved_usd: number;
  ttl_seconds: number;
  max_entries: number;
  max_bytes: number;
}

export interface LogLine {
  timestamp?: string;
  level?: string;
  logger?: string;
  message?: string;
  request_id?: string;
  [key: string]: unknown;
}

export interface LogPage {
  logs: LogLine[];
  count: number;
  truncated: boolean;
  scanned_bytes: number;
}

export const METHOD_LABELS: Record<string, string> = {
  semantic_kernel: 'Semantic Kernel',
  'semantic-kernel': 'Semantic Kernel',
  kernel: 'Semantic Kernel',
  langchain: 'LangChain',
  chain: 'LangChain',
  langgraph: 'LangGraph',
  graph: 'LangGraph',
};

export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}
