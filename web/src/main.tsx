import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, forgetKey, getJson, storedKey, storeKey } from './api.ts';
import { CallerContext, describeCaller, isStaff, type Caller } from './caller.ts';
import { Audit } from './pages/audit.tsx';
import { Corridors } from './pages/corridors.tsx';
import { Fx } from './pages/fx.tsx';
import { Overview } from './pages/overview.tsx';
import { Participants } from './pages/participants.tsx';
import { Payments } from './pages/payments.tsx';
import { Settlement } from './pages/settlement.tsx';
import { Trades } from './pages/trades.tsx';

/**
 * The pages, in navigation order. Each has its own URL (#/id).
 * `staff`: only operator and auditor keys may read what it shows (the API refuses participant
 * keys), so a participant key is not offered it.
 */
const PAGES = [
  { id: 'overview', title: 'Overview', staff: false },
  { id: 'payments', title: 'Payments', staff: false },
  { id: 'settlement', title: 'Settlement', staff: false },
  { id: 'fx', title: 'FX', staff: false },
  { id: 'trades', title: 'Trades & documents', staff: false },
  { id: 'corridors', title: 'Corridors', staff: false },
  { id: 'participants', title: 'Participants & keys', staff: true },
  { id: 'audit', title: 'Audit log', staff: true },
] as const;

/** The route in the URL's fragment: `#/payments/<id>` is page `payments` with argument `<id>`. */
function currentRoute(): { page: string; arg: string | undefined } {
  const [page = '', arg] = location.hash.replace(/^#\/?/, '').split('/');
  return {
    page: page === '' ? 'overview' : page,
    arg: arg === undefined ? undefined : decodeURIComponent(arg),
  };
}

function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

type Theme = 'light' | 'dark';
const THEME_ITEM = 'vostro.theme';

function initialTheme(): Theme {
  const stored = localStorage.getItem(THEME_ITEM);
  if (stored === 'light' || stored === 'dark') return stored;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_ITEM, next);
    setTheme(next);
  };
  return [theme, toggle];
}

function SignIn({ onSignIn }: { onSignIn: (caller: Caller) => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!/^vostro_[0-9a-f]{16}_\S+$/.test(trimmed)) {
      setProblem('An API key looks like vostro_<key id>_<secret>.');
      return;
    }
    // Any valid key may ask who it is: a 401 there means the key itself is refused.
    const response = await fetch('/v1/me', {
      headers: { authorization: `Bearer ${trimmed}`, accept: 'application/json' },
    });
    if (response.status === 401) {
      setProblem('The hub refused this key (unknown, revoked or expired).');
      return;
    }
    if (!response.ok) {
      setProblem(`The hub answered ${response.status}: try again.`);
      return;
    }
    storeKey(trimmed);
    onSignIn((await response.json()) as Caller);
  };
  return (
    <main class="signin">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="signin-title">
        <h1 id="signin-title">vostro</h1>
        <p>
          India–Russia clearing hub. Sign in with an API key: it is kept in this tab only and
          forgotten when the tab closes.
        </p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          required
        />
        {problem === undefined ? null : (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

/** Said in place of a staff page to a participant key, which the API refuses its data. */
function StaffOnly({ title, caller }: { title: string; caller: Caller }) {
  return (
    <section>
      <h1>{title}</h1>
      <p class="notice" role="alert" data-testid="staff-only">
        {title} is for the hub’s operator and auditor keys only. You are signed in with a key of{' '}
        {describeCaller(caller)}: the hub does not show this page’s data to participant keys.
      </p>
    </section>
  );
}

/** The signed-in key, asked of `GET /v1/me` after a reload (the key is in the tab's session). */
function useSignedInKey(): [Caller | undefined, boolean, (caller: Caller | undefined) => void] {
  const [caller, setCaller] = useState<Caller>();
  const [asking, setAsking] = useState(storedKey() !== undefined);
  useEffect(() => {
    if (!asking) return;
    getJson<Caller>('/me').then(
      (found) => {
        setCaller(found);
        setAsking(false);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) forgetKey();
        setAsking(false);
      },
    );
  }, []);
  return [caller, asking, setCaller];
}

function App() {
  const [caller, asking, setCaller] = useSignedInKey();
  const [theme, toggleTheme] = useTheme();
  const route = useRoute();
  if (asking) return <p aria-busy="true">Signing in…</p>;
  if (caller === undefined) return <SignIn onSignIn={setCaller} />;
  const offered = PAGES.filter((candidate) => !candidate.staff || isStaff(caller));
  const page = PAGES.find((candidate) => candidate.id === route.page);
  const signOut = () => {
    forgetKey();
    setCaller(undefined);
  };
  return (
    <CallerContext.Provider value={caller}>
      <div class="layout">
        <a
          class="skip"
          href="#content"
          onClick={(event) => {
            event.preventDefault();
            document.getElementById('content')?.focus();
          }}
        >
          Skip to content
        </a>
        <header>
          <span class="brand">vostro</span>
          <nav aria-label="Pages">
            <ul>
              {offered.map((item) => (
                <li key={item.id}>
                  <a href={`#/${item.id}`} aria-current={item.id === page?.id ? 'page' : undefined}>
                    {item.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="tools">
            <span class="who" data-testid="who" title={`key ${caller.keyId} (${caller.label})`}>
              {describeCaller(caller)}
            </span>
            <button
              type="button"
              onClick={toggleTheme}
              aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            >
              {theme === 'dark' ? 'Light' : 'Dark'}
            </button>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        </header>
        <main id="content" tabIndex={-1}>
          {page?.staff === true && !isStaff(caller) ? (
            <StaffOnly title={page.title} caller={caller} />
          ) : page === undefined ? (
            <section>
              <h1>Not found</h1>
              <p class="notice">No page called “{route.page}”.</p>
            </section>
          ) : page.id === 'overview' ? (
            <Overview />
          ) : page.id === 'payments' ? (
            <Payments transferId={route.arg} />
          ) : page.id === 'settlement' ? (
            <Settlement />
          ) : page.id === 'corridors' ? (
            <Corridors />
          ) : page.id === 'trades' ? (
            <Trades tradeId={route.arg} />
          ) : page.id === 'fx' ? (
            <Fx quoteId={route.arg} />
          ) : page.id === 'participants' ? (
            <Participants />
          ) : (
            <Audit />
          )}
        </main>
      </div>
    </CallerContext.Provider>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
