import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { ApiError, apiRequest, apiStream, type Framework } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { Field } from '../components/Field';
import { FrameworkSelect } from '../components/FrameworkSelect';
import { formatCount, formatMs, formatTime, formatUsd } from '../format';
import { navigate } from '../route';
import { useLatest } from '../latest';
import { useToasts } from '../toasts';
import { methodLabel, type ChatMessage, type ChatTurn, type Conversation, type ConversationWithMessages } from '../types';

const LIST_LIMIT = 50;

interface PendingTurn {
  user: string;
  assistant: string;
  streaming: boolean;
  framework: Framework;
}

function MessageBubble({ message }: { message: ChatMessage }) {
  const assistant = message.role === 'assistant';
  return (
    <li className={`message message-${assistant ? 'assistant' : 'user'}`} data-testid="message" data-role={message.role}>
      <span className="message-role">{assistant ? 'Assistant' : 'You'}</span>
      <div className="message-text" data-testid="message-text">
        {message.content}
      </div>
      {assistant && (
        <span className="message-meta muted small">
          {formatMs(message.generation_time_ms)} · {formatCount(message.total_tokens)} tokens · {formatUsd(message.estimated_cost_usd)}
        </span>
      )}
    </li>
  );
}

export function ChatPage({ conversationId }: { conversationId: string }) {
  const toasts = useToasts();
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [listLoading, setListLoading] = useState(false);
  const [conversation, setConversation] = useState<ConversationWithMessages | null>(null);
  const [conversationLoading, setConversationLoading] = useState(false);
  const [framework, setFramework] = useState<Framework>('langchain');
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState<PendingTurn | null>(null);
  const [missing, setMissing] = useState('');
  const loadedId = useRef('');
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const abortRef = useRef<AbortController | null>(null);

  const [listSize, setListSize] = useState(LIST_LIMIT);
  const [hasMore, setHasMore] = useState(false);
  const beginList = useLatest();

  // The first `size` conversations (most recently active first); "Show more" asks for more.
  const loadList = useCallback(
    async (size = LIST_LIMIT) => {
      const latest = beginList();
      setListLoading(true);
      try {
        const answer = await apiRequest<{ conversations: Conversation[] }>('/api/chat/conversations', {
          query: { limit: Math.min(size, 100), skip: 0 },
        });
        let list = answer.conversations;
        // The server answers at most 100 at once: the rest come page by page.
        while (list.length < size && answer.conversations.length > 0 && list.length % 100 === 0) {
          const more = await apiRequest<{ conversations: Conversation[] }>('/api/chat/conversations', {
            query: { limit: Math.min(size - list.length, 100), skip: list.length },
          });
          if (more.conversations.length === 0) break;
          list = [...list, ...more.conversations];
        }
        if (!latest()) return;
        setConversations(list);
        setHasMore(list.length >= size);
      } catch (error) {
        if (latest()) toasts.error(error, 'Could not load the conversations');
      } finally {
        if (latest()) setListLoading(false);
      }
    },
    [toasts, beginList],
  );

  const beginConversation = useLatest();
  const loadConversation = useCallback(
    async (id: string) => {
      const latest = beginConversation();
      setConversationLoading(true);
      try {
        const answer = await apiRequest<ConversationWithMessages>(`/api/chat/conversations/${encodeURIComponent(id)}`);
        if (!latest()) return null;
        loadedId.current = id;
        setConversation(answer);
        setMissing('');
        return answer;
      } catch (error) {
        if (!latest()) return null;
        if (error instanceof ApiError && error.status === 404) setMissing(id);
        else toasts.error(error, `Could not open conversation ${id}`);
        return null;
      } finally {
        if (latest()) setConversationLoading(false);
      }
    },
    [toasts, beginConversation],
  );

  useEffect(() => {
    void loadList(LIST_LIMIT);
  }, [loadList]);

  useEffect(() => {
    setMissing('');
    if (!conversationId) {
      beginConversation(); // an answer still on its way is for a page no longer shown
      loadedId.current = '';
      setConversation(null);
      return;
    }
    if (loadedId.current === conversationId) return;
    setConversation(null);
    void loadConversation(conversationId);
  }, [conversationId, loadConversation, beginConversation]);

  useEffect(() => () => abortRef.current?.abort(), []);

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [conversation, pending]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const text = message.trim();
    if (!text || pending) return;
    const id = conversation ? conversation.id : undefined;
    const turnFramework = framework;
    setPending({ user: text, assistant: '', streaming: true, framework: turnFramework });
    setMessage('');
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      const turn = await apiStream<ChatTurn>(
        `/api/chat/${turnFramework}`,
        id ? { message: text, conversation_id: id } : { message: text },
        {
          // Each piece is painted as it arrives, not batched with the final answer.
          onText: (soFar) => flushSync(() => setPending((current) => (current ? { ...current, assistant: soFar } : current))),
        },
        controller.signal,
      );
      setPending((current) => (current ? { ...current, assistant: turn.response, streaming: false } : current));
      const key = String(turn.conversation_id);
      const stored = await loadConversation(key);
      setPending(null);
      if (stored) navigate(`#/chat/${key}`);
      void loadList(listSize);
    } catch (error) {
      setPending(null);
      if (!(error instanceof DOMException && error.name === 'AbortError')) {
        setMessage(text); // give the text back to try again
        toasts.error(error, 'The message could not be answered');
      }
    } finally {
      abortRef.current = null;
      inputRef.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  };

  const startNew = () => {
    loadedId.current = '';
    setConversation(null);
    navigate('#/chat');
    inputRef.current?.focus();
  };

  const remove = async (target: Conversation) => {
    try {
      await apiRequest(`/api/chat/conversations/${target.id}`, { method: 'DELETE' });
      toasts.success(`Conversation “${target.title}” deleted.`);
      if (conversation?.id === target.id) startNew();
      await loadList(listSize);
    } catch (error) {
      toasts.error(error, 'The conversation could not be deleted');
    }
  };

  const messages = conversation?.messages ?? [];
  const title = conversation ? conversation.title : conversationId && conversationLoading ? 'Loading…' : 'New conversation';


  return (
    <div className="page chat-page">
      <h1>Chat</h1>
      <div className="chat-layout">
        <aside className="card chat-sidebar" aria-labelledby="conversations-title">
          <div className="section-head">
            <h2 id="conversations-title">Conversations</h2>
            <button type="button" className="button primary" data-testid="chat-new" onClick={startNew}>
              New conversation
            </button>
          </div>
          {listLoading && !conversations && <p className="loading">Loading…</p>}
          {conversations && conversations.length === 0 && <p className="muted">No conversations yet.</p>}
          {conversations && (
            <ul className="conversation-list" data-testid="conversation-list" aria-busy={listLoading}>
              {conversations.map((item) => (
                <li key={item.id}>
                  <a
                    href={`#/chat/${item.id}`}
                    className="conversation-link"
                    data-testid="conversation-link"
                    data-conversation-id={item.id}
                    aria-current={String(item.id) === conversationId ? 'page' : undefined}
                  >
                    <span className="conversation-title">{item.title}</span>
                    <span className="muted small">
                      {methodLabel(item.method)} · {item.message_count} messages · {formatTime(item.updated_at)}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {hasMore && (
            <button
              type="button"
              className="button show-more"
              data-testid="conversations-more"
              disabled={listLoading}
              onClick={() => {
                const size = listSize + LIST_LIMIT;
                setListSize(size);
                void loadList(size);
              }}
            >
              {listLoading ? 'Loading…' : 'Show more'}
            </button>
          )}
        </aside>

        <section className="card chat-main" aria-labelledby="conversation-title" data-testid="chat-main">
          <div className="section-head">
            <h2 id="conversation-title" data-testid="conversation-title">
              {title}
            </h2>
            {conversation && (
              <ConfirmButton
                label="Delete conversation"
                question="Delete this conversation and its messages?"
                confirmLabel="Delete"
                busyLabel="Deleting…"
                testId="chat-delete"
                onConfirm={() => remove(conversation)}
              />
            )}
          </div>
          {conversationLoading && !conversation && <p className="loading">Loading…</p>}
          {missing && !conversation && (
            <p className="notice" data-testid="conversation-missing">
              There is no conversation {missing}: it may have been deleted. Write below to start a new one.
            </p>
          )}
          <ol className="messages" data-testid="messages" aria-live="polite" aria-relevant="additions text">
            {messages.map((item) => (
              <MessageBubble key={item.id} message={item} />
            ))}
            {pending && (
              <>
                <li className="message message-user" data-testid="message" data-role="user" data-pending="true">
                  <span className="message-role">You</span>
                  <div className="message-text">{pending.user}</div>
                </li>
                <li
                  className="message message-assistant"
                  data-testid="message"
                  data-role="assistant"
                  data-pending="true"
                  data-streaming={pending.streaming ? 'true' : 'false'}
                  aria-busy={pending.streaming}
                >
                  <span className="message-role">Assistant · {pending.framework}</span>
                  <div className="message-text" data-testid="streaming-text">
                    {pending.assistant || (pending.streaming ? 'Thinking…' : '')}
                  </div>
                </li>
              </>
            )}
          </ol>
          {!conversation && !pending && !conversationLoading && (
            <p className="muted">Start a conversation: write a message below.</p>
          )}
          <div ref={endRef} />
          <form className="chat-form" onSubmit={send} data-testid="chat-form">
            <Field id="chat-message" label="Message" className="grow">
              <textarea
                id="chat-message"
                ref={inputRef}
                rows={3}
                value={message}
                data-testid="chat-message"
                aria-describedby="chat-message-hint"
                onChange={(event) => setMessage(event.target.value)}
                onKeyDown={onKeyDown}
              />
              <p id="chat-message-hint" className="hint">
                Enter sends, Shift+Enter starts a new line. Any framework can continue any conversation.
              </p>
            </Field>
            <div className="chat-form-side">
              <FrameworkSelect id="chat-framework" value={framework} onChange={setFramework} testId="chat-framework" />
              <button type="submit" className="button primary" disabled={!!pending || !message.trim()} data-testid="chat-send">
                {pending ? 'Generating…' : 'Send'}
              </button>
            </div>
          </form>
        </section>
      </div>
    </div>
  );
}
