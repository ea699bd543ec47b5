// jsvm-engine's V8 backend, the C++ half: a small C ABI over V8's embedding API
// (V8 10.2, as Debian 12's libnode108 ships it). The Rust half is src/v8/ffi.rs and
// src/v8/mod.rs; the types below must match ffi.rs field for field.
//
// One `Engine` owns one isolate and is used by one thread at a time. The only entry
// point another thread may call is jsvm_v8_terminate (V8's TerminateExecution is
// thread-safe).

#include <libplatform/libplatform.h>
#include <v8.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" {

struct jsvm_bytes {
  const char* ptr;
  size_t len;
};

// A script in the engine's precompiled form, taken apart by the Rust side.
struct jsvm_script {
  jsvm_bytes name;
  jsvm_bytes source;
  jsvm_bytes cache;  // V8 code cache; len 0 for none
};

enum jsvm_tag : uint32_t {
  JSVM_UNDEFINED = 0,
  JSVM_NULL = 1,
  JSVM_BOOL = 2,
  JSVM_NUMBER = 3,
  JSVM_STRING = 4,
};

struct jsvm_value {
  uint32_t tag;
  double number;  // JSVM_NUMBER; JSVM_BOOL as 0 or 1
  const char* str;
  size_t len;
};

// What the host answered (jsvm_host_fn's return value).
enum jsvm_host_status : int32_t {
  JSVM_HOST_OK = 0,          // *out is the result
  JSVM_HOST_THROW = 1,       // throw Error(*out)
  JSVM_HOST_ABORT = 2,       // end the run, uncatchably
  JSVM_HOST_TYPE_ERROR = 3,  // throw TypeError(*out)
};

typedef int32_t (*jsvm_host_fn)(void* user, const char* op, size_t op_len, const jsvm_value* args, size_t nargs,
                                jsvm_value* out);

// How a call ended.
enum jsvm_status : int32_t {
  JSVM_OK = 0,
  JSVM_EXCEPTION = 1,   // *out: the exception's text
  JSVM_TERMINATED = 2,  // TerminateExecution: abort, deadline or memory (the caller knows which)
  JSVM_ENGINE = 3,      // *out: what went wrong
  JSVM_SNAPSHOT = 4,    // the snapshot could not be written (*out says why)
};

}  // extern "C"

namespace {

constexpr uint32_t kEngineSlot = 0;
constexpr int kCapturedFrames = 32;
constexpr size_t kProgramsPerRealm = 32;
constexpr size_t kScriptsPerIsolate = 64;
const char kHostFunction[] = "__jsvm_host";

std::unique_ptr<v8::Platform> g_platform;
std::once_flag g_init_once;

char* Dup(const std::string& s, size_t* len) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) std::abort();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  if (len != nullptr) *len = s.size();
  return p;
}

void SetOut(char** out, size_t* out_len, const std::string& s) {
  if (out != nullptr) *out = Dup(s, out_len);
}

v8::Local<v8::String> Str(v8::Isolate* iso, const char* p, size_t len) {
  v8::Local<v8::String> s;
  if (!v8::String::NewFromUtf8(iso, p, v8::NewStringType::kNormal, static_cast<int>(len)).ToLocal(&s)) {
    return v8::String::Empty(iso);
  }
  return s;
}

v8::Local<v8::String> Str(v8::Isolate* iso, const std::string& s) { return Str(iso, s.data(), s.size()); }

// UTF-8 of a JS string. Lone surrogates come out as their 3-byte (WTF-8) form, which is
// not UTF-8: the Rust side refuses them as QuickJS does.
std::string Utf8(v8::Isolate* iso, v8::Local<v8::String> s) {
  std::string out;
  int n = s->Utf8Length(iso);
  out.resize(static_cast<size_t>(n));
  if (n > 0) s->WriteUtf8(iso, &out[0], n, nullptr, v8::String::NO_NULL_TERMINATION);
  return out;
}

// Like Utf8, with lone surrogates replaced (for texts that only need to be readable).
std::string Utf8Lossy(v8::Isolate* iso, v8::Local<v8::String> s) {
  std::string out;
  int n = s->Utf8Length(iso);
  out.resize(static_cast<size_t>(n));
  if (n > 0) {
    int written =
        s->WriteUtf8(iso, &out[0], n, nullptr, v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
    out.resize(static_cast<size_t>(written));
  }
  return out;
}

struct Engine;

// Array buffer contents live outside V8's heap: they are counted here against the run's
// memory budget (atomically: V8 may free backing stores on its own threads).
class CountingAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  explicit CountingAllocator(Engine* e) : e_(e) {}
  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;

 private:
  bool Admit(size_t length);
  Engine* e_;
};

struct Engine {
  v8::Isolate* isolate = nullptr;
  CountingAllocator* allocator = nullptr;
  v8::StartupData blob{nullptr, 0};
  v8::Global<v8::Context> scratch;  // for compiling
  v8::Global<v8::Function> tripwire;  // a JavaScript function that does nothing (see Halt)
  v8::Global<v8::Context> realm;
  v8::Global<v8::Function> entry;
  // Per realm: the program bytes and the value they evaluated to.
  std::vector<std::pair<std::string, v8::Global<v8::Value>>> programs;
  // Per isolate: the program bytes and their compiled script, so that a rebuilt realm
  // does not compile again.
  std::vector<std::pair<std::string, v8::Global<v8::UnboundScript>>> scripts;
  jsvm_host_fn host = nullptr;
  void* host_user = nullptr;

  // The run in progress.
  bool running = false;
  bool aborted = false;
  std::atomic<bool> oom{false};
  bool heap_limit_raised = false;
  size_t heap_limit = 0;      // the isolate's hard limit (old generation)
  size_t run_limit = 0;       // heap bytes in use the run may reach
  size_t run_budget = 0;      // Limits::memory_bytes
  size_t used_after_run = 0;  // heap bytes in use when the last run ended (0: not known)
  bool collect = false;       // the last run left more than its budget: collect before the next
  std::atomic<size_t> external{0};
  size_t run_external_limit = SIZE_MAX;
  uint64_t cache_rejected = 0;  // code caches V8 refused (the script was compiled from source)
};

// Marks the run out of memory and stops it.
void OutOfMemory(Engine* e) {
  e->oom.store(true);
  e->isolate->TerminateExecution();
}

bool CountingAllocator::Admit(size_t length) {
  size_t now = e_->external.fetch_add(length) + length;
  if (e_->running && now > e_->run_external_limit) {
    e_->external.fetch_sub(length);
    OutOfMemory(e_);
    return false;
  }
  return true;
}

void* CountingAllocator::Allocate(size_t length) {
  if (!Admit(length)) return nullptr;
  void* p = std::calloc(length == 0 ? 1 : length, 1);
  if (p == nullptr) e_->external.fetch_sub(length);
  return p;
}

void* CountingAllocator::AllocateUninitialized(size_t length) {
  if (!Admit(length)) return nullptr;
  void* p = std::malloc(length == 0 ? 1 : length);
  if (p == nullptr) e_->external.fetch_sub(length);
  return p;
}

void CountingAllocator::Free(void* data, size_t length) {
  std::free(data);
  e_->external.fetch_sub(length);
}

size_t UsedHeap(v8::Isolate* iso) {
  v8::HeapStatistics hs;
  iso->GetHeapStatistics(&hs);
  return hs.used_heap_size();
}

// After every GC of a run: a full one measures what is live, and a run whose live heap
// passes its budget ends; after a young-generation GC the figure still holds old garbage,
// so only a gross overshoot counts there.
void OnGcEpilogue(v8::Isolate* iso, v8::GCType type, v8::GCCallbackFlags, void* data) {
  Engine* e = static_cast<Engine*>(data);
  if (!e->running || e->oom.load()) return;
  size_t used = UsedHeap(iso);
  bool full = (type & v8::kGCTypeMarkSweepCompact) != 0;
  if ((full && used > e->run_limit) || used > e->run_limit + e->run_budget) OutOfMemory(e);
}

// The hard limit is near: the run ends, and V8 gets room to unwind it rather than abort the
// process. The engine replaces the isolate afterwards.
size_t OnNearHeapLimit(void* data, size_t current, size_t) {
  Engine* e = static_cast<Engine*>(data);
  e->heap_limit_raised = true;
  OutOfMemory(e);
  return current + std::max<size_t>(current / 2, size_t{256} << 20);
}

// Ends the run now, from inside a host call. TerminateExecution alone only requests an
// interrupt: the contract would go on until its next interrupt check, and a built-in such as
// Array.from or fill never makes one. Entering any JavaScript function checks for
// interrupts, so calling one turns the request into the termination exception, which V8
// rethrows the moment the host call returns: nothing more of the contract runs, not even a
// catch or finally block.
void Halt(Engine* e) {
  v8::Isolate* iso = e->isolate;
  iso->TerminateExecution();
  if (e->tripwire.IsEmpty()) return;
  v8::HandleScope scope(iso);
  v8::Local<v8::Context> ctx = e->scratch.Get(iso);
  v8::Local<v8::Value> ignored;
  (void)e->tripwire.Get(iso)->Call(ctx, v8::Undefined(iso), 0, nullptr).ToLocal(&ignored);
}

void ThrowError(v8::Isolate* iso, const std::string& msg, bool type_error) {
  v8::Local<v8::String> m = Str(iso, msg);
  iso->ThrowException(type_error ? v8::Exception::TypeError(m) : v8::Exception::Error(m));
}

// The one host function: `__jsvm_host(op, ...args)`, primitives only.
void HostCallback(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* iso = info.GetIsolate();
  Engine* e = static_cast<Engine*>(iso->GetData(kEngineSlot));
  if (e != nullptr && (e->aborted || e->oom.load())) {
    // The run is ending: nothing reaches the host any more.
    Halt(e);
    return;
  }
  v8::HandleScope scope(iso);
  size_t nargs = info.Length() > 0 ? static_cast<size_t>(info.Length() - 1) : 0;
  std::vector<std::string> texts(nargs);
  std::vector<jsvm_value> args(nargs);
  for (size_t i = 0; i < nargs; i++) {
    v8::Local<v8::Value> v = info[static_cast<int>(i + 1)];
    jsvm_value& a = args[i];
    a = jsvm_value{JSVM_UNDEFINED, 0, nullptr, 0};
    if (v->IsUndefined()) {
    } else if (v->IsNull()) {
      a.tag = JSVM_NULL;
    } else if (v->IsBoolean()) {
      a.tag = JSVM_BOOL;
      a.number = v->IsTrue() ? 1 : 0;
    } else if (v->IsNumber()) {
      a.tag = JSVM_NUMBER;
      a.number = v.As<v8::Number>()->Value();
    } else if (v->IsString()) {
      texts[i] = Utf8(iso, v.As<v8::String>());
      a.tag = JSVM_STRING;
      a.str = texts[i].data();
      a.len = texts[i].size();
    } else {
      ThrowError(iso, "host arguments must be primitive values", true);
      return;
    }
  }
  if (e == nullptr || e->host == nullptr || !e->running) {
    ThrowError(iso, "host is not available", false);
    return;
  }
  if (info.Length() < 1 || !info[0]->IsString()) {
    ThrowError(iso, "the host operation must be a string", true);
    return;
  }
  std::string op = Utf8(iso, info[0].As<v8::String>());
  jsvm_value out{JSVM_UNDEFINED, 0, nullptr, 0};
  int32_t status = e->host(e->host_user, op.data(), op.size(), args.data(), args.size(), &out);
  std::string text = out.str != nullptr ? std::string(out.str, out.len) : std::string();
  switch (status) {
    case JSVM_HOST_OK:
      switch (out.tag) {
        case JSVM_NULL:
          info.GetReturnValue().SetNull();
          break;
        case JSVM_BOOL:
          info.GetReturnValue().Set(out.number != 0);
          break;
        case JSVM_NUMBER:
          info.GetReturnValue().Set(out.number);
          break;
        case JSVM_STRING: {
          v8::Local<v8::String> s;
          if (!v8::String::NewFromUtf8(iso, text.data(), v8::NewStringType::kNormal, static_cast<int>(text.size()))
                   .ToLocal(&s)) {
            return;  // too long: V8 has thrown a RangeError
          }
          info.GetReturnValue().Set(s);
          break;
        }
        default:
          info.GetReturnValue().SetUndefined();
      }
      return;
    case JSVM_HOST_THROW:
      ThrowError(iso, text, false);
      return;
    case JSVM_HOST_TYPE_ERROR:
      ThrowError(iso, text, true);
      return;
    default:  // JSVM_HOST_ABORT, or anything unexpected
      e->aborted = true;
      Halt(e);
      return;
  }
}

// Every native function a snapshot may refer to; the same list must be given when an
// isolate is created from the snapshot.
const intptr_t kExternalReferences[] = {
    reinterpret_cast<intptr_t>(&HostCallback),
    0,
};

bool GetString(v8::Isolate* iso, v8::Local<v8::Context> ctx, v8::Local<v8::Object> obj, const char* key,
               std::string* out) {
  v8::Local<v8::Value> v;
  v8::Local<v8::String> s;
  if (!obj->Get(ctx, Str(iso, key, std::strlen(key))).ToLocal(&v)) return false;
  if (!v->ToString(ctx).ToLocal(&s)) return false;
  *out = Utf8Lossy(iso, s);
  return true;
}

// The contract's own frames: scripts the VM loads itself are named "<...>", built-ins
// have no script.
bool OwnFrame(const std::string& script) { return !script.empty() && script[0] != '<'; }

// The deterministic text of a thrown value, shaped as QuickJS's (src/quickjs/mod.rs,
// exception_text): "Name: message" for errors, String(value) for anything else. No
// frames: where an engine places a position differs between engines (the class
// libraries keep the engine's trace for the node's log). A compile error, which has no
// frames, keeps its position.
std::string ExceptionText(v8::Isolate* iso, v8::Local<v8::Context> ctx, v8::Local<v8::Value> exc,
                          v8::Local<v8::Message> message) {
  v8::TryCatch inner(iso);
  if (exc->IsNativeError()) {
    v8::Local<v8::Object> obj = exc.As<v8::Object>();
    std::string name, msg;
    bool has_name = GetString(iso, ctx, obj, "name", &name);
    bool has_msg = GetString(iso, ctx, obj, "message", &msg);
    std::string text;
    if (has_name && has_msg && !msg.empty()) {
      text = name + ": " + msg;
    } else if (has_name) {
      text = name;
    } else if (has_msg) {
      text = msg;
    } else {
      text = "Error";
    }
    v8::Local<v8::StackTrace> trace = v8::Exception::GetStackTrace(exc);
    // A compile error has no frames: its position, as QuickJS gives it.
    if (!message.IsEmpty() && (trace.IsEmpty() || trace->GetFrameCount() == 0)) {
      v8::Local<v8::Value> resource = message->GetScriptResourceName();
      if (!resource.IsEmpty() && resource->IsString()) {
        std::string script = Utf8Lossy(iso, resource.As<v8::String>());
        int line = message->GetLineNumber(ctx).FromMaybe(0);
        int column = message->GetStartColumn(ctx).FromMaybe(0) + 1;
        if (OwnFrame(script) && line > 0) {
          text += "\n    at " + script + ":" + std::to_string(line) + ":" + std::to_string(column);
        }
      }
    }
    return text;
  }
  v8::Local<v8::String> s;
  if (!exc->ToString(ctx).ToLocal(&s)) return "<a value that cannot be printed>";
  return Utf8Lossy(iso, s);
}

// Turns a failed TryCatch into a status and text.
int32_t Failure(v8::Isolate* iso, v8::Local<v8::Context> ctx, v8::TryCatch& tc, char** out, size_t* out_len) {
  if (tc.HasTerminated() || iso->IsExecutionTerminating()) return JSVM_TERMINATED;
  if (!tc.HasCaught()) {
    SetOut(out, out_len, "the engine failed without an exception");
    return JSVM_ENGINE;
  }
  std::string text = ExceptionText(iso, ctx, tc.Exception(), tc.Message());
  if (iso->IsExecutionTerminating()) return JSVM_TERMINATED;
  SetOut(out, out_len, text);
  return JSVM_EXCEPTION;
}

// Compiles a script, with its code cache when it has one. A cache V8 refuses (another V8
// build, other flags, damaged) is ignored and the source compiled.
v8::MaybeLocal<v8::UnboundScript> CompileScript(Engine* e, v8::Isolate* iso, const jsvm_script& s,
                                                v8::ScriptCompiler::CompileOptions no_cache_option) {
  v8::ScriptOrigin origin(iso, Str(iso, s.name.ptr, s.name.len));
  v8::Local<v8::String> source;
  if (!v8::String::NewFromUtf8(iso, s.source.ptr, v8::NewStringType::kNormal, static_cast<int>(s.source.len))
           .ToLocal(&source)) {
    return {};
  }
  if (s.cache.len == 0) {
    v8::ScriptCompiler::Source src(source, origin);
    return v8::ScriptCompiler::CompileUnboundScript(iso, &src, no_cache_option);
  }
  auto* cached = new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t*>(s.cache.ptr),
                                                    static_cast<int>(s.cache.len),
                                                    v8::ScriptCompiler::CachedData::BufferNotOwned);
  v8::ScriptCompiler::Source src(source, origin, cached);  // owns `cached`
  v8::MaybeLocal<v8::UnboundScript> script =
      v8::ScriptCompiler::CompileUnboundScript(iso, &src, v8::ScriptCompiler::kConsumeCodeCache);
  if (src.GetCachedData()->rejected && e != nullptr) e->cache_rejected++;
  return script;
}

bool RunScript(v8::Isolate* iso, v8::Local<v8::Context> ctx, const jsvm_script& s, v8::Local<v8::Value>* result) {
  v8::Local<v8::UnboundScript> unbound;
  if (!CompileScript(nullptr, iso, s, v8::ScriptCompiler::kNoCompileOptions).ToLocal(&unbound)) return false;
  return unbound->BindToCurrentContext()->Run(ctx).ToLocal(result);
}

// Builds a realm in `ctx`: the host function, the lockdown, the prelude scripts; then the
// entry and the host function come off the global object and the realm is hardened.
// `keep_open` (for a snapshot) leaves the Error constructor extensible: V8 adds
// Error.stackTraceLimit to every context it deserializes, and the engine freezes Error
// right after.
int32_t BuildRealm(v8::Isolate* iso, v8::Local<v8::Context> ctx, const jsvm_script* lockdown,
                   const jsvm_script* prelude, size_t n, jsvm_bytes entry_name, bool keep_open,
                   v8::Local<v8::Function>* entry, char** out, size_t* out_len) {
  v8::Context::Scope context_scope(ctx);
  v8::TryCatch tc(iso);
  ctx->AllowCodeGenerationFromStrings(false);
  v8::Local<v8::Object> global = ctx->Global();
  v8::Local<v8::Value> error_ctor;
  v8::Local<v8::Function> host;
  v8::Local<v8::Value> harden;
  if (!global->Get(ctx, Str(iso, "Error", 5)).ToLocal(&error_ctor) ||
      !v8::FunctionTemplate::New(iso, HostCallback)->GetFunction(ctx).ToLocal(&host) ||
      !global->Set(ctx, Str(iso, kHostFunction, std::strlen(kHostFunction)), host).FromMaybe(false) ||
      !RunScript(iso, ctx, *lockdown, &harden)) {
    return Failure(iso, ctx, tc, out, out_len);
  }
  if (!harden->IsFunction()) {
    SetOut(out, out_len, "lockdown returned no harden function");
    return JSVM_ENGINE;
  }
  for (size_t i = 0; i < n; i++) {
    v8::Local<v8::Value> ignored;
    if (!RunScript(iso, ctx, prelude[i], &ignored)) return Failure(iso, ctx, tc, out, out_len);
  }
  v8::Local<v8::String> entry_key = Str(iso, entry_name.ptr, entry_name.len);
  v8::Local<v8::Value> entry_value;
  if (!global->Get(ctx, entry_key).ToLocal(&entry_value)) return Failure(iso, ctx, tc, out, out_len);
  if (!entry_value->IsFunction()) {
    SetOut(out, out_len, "the prelude defined no entry function '" + std::string(entry_name.ptr, entry_name.len) + "'");
    return JSVM_ENGINE;
  }
  v8::Local<v8::Value> argv[1] = {error_ctor};
  v8::Local<v8::Value> ignored;
  if (!global->Delete(ctx, entry_key).FromMaybe(false) ||
      !global->Delete(ctx, Str(iso, kHostFunction, std::strlen(kHostFunction))).FromMaybe(false) ||
      !harden.As<v8::Function>()->Call(ctx, v8::Undefined(iso), keep_open ? 1 : 0, argv).ToLocal(&ignored)) {
    return Failure(iso, ctx, tc, out, out_len);
  }
  *entry = entry_value.As<v8::Function>();
  return JSVM_OK;
}

void ForgetRealm(Engine* e) {
  e->used_after_run = 0;
  e->programs.clear();
  e->entry.Reset();
  if (!e->realm.IsEmpty()) {
    e->realm.Reset();
    e->isolate->ContextDisposedNotification();
  }
}

}  // namespace

extern "C" {

// Process-wide V8 set-up, once: `flags` go to V8 before it starts.
void jsvm_v8_init(const char* flags, size_t len) {
  std::call_once(g_init_once, [&] {
    v8::V8::SetFlagsFromString(flags, len);
    v8::V8::InitializeICU();
    g_platform = v8::platform::NewDefaultPlatform(0, v8::platform::IdleTaskSupport::kDisabled,
                                                  v8::platform::InProcessStackDumping::kDisabled);
    v8::V8::InitializePlatform(g_platform.get());
    v8::V8::Initialize();
  });
}

void jsvm_v8_free(void* p) { std::free(p); }

const char* jsvm_v8_version() { return v8::V8::GetVersion(); }

// Builds a realm in a snapshot creator and writes the startup snapshot: a default
// (plain) context, and the realm as context 0 with its entry function as data 0.
int32_t jsvm_v8_snapshot(const jsvm_script* lockdown, const jsvm_script* prelude, size_t n, jsvm_bytes entry_name,
                         char** blob, size_t* blob_len, char** out, size_t* out_len) {
  v8::SnapshotCreator creator(kExternalReferences);
  v8::Isolate* iso = creator.GetIsolate();
  iso->SetCaptureStackTraceForUncaughtExceptions(true, kCapturedFrames, v8::StackTrace::kDetailed);
  {
    v8::HandleScope scope(iso);
    v8::Local<v8::Context> plain = v8::Context::New(iso);
    v8::Local<v8::Context> ctx = v8::Context::New(iso);
    v8::Local<v8::Function> entry;
    int32_t status = BuildRealm(iso, ctx, lockdown, prelude, n, entry_name, true, &entry, out, out_len);
    if (status != JSVM_OK) return status;
    creator.SetDefaultContext(plain);
    if (creator.AddData(ctx, entry) != 0 || creator.AddContext(ctx) != 0) {
      SetOut(out, out_len, "unexpected snapshot indices");
      return JSVM_SNAPSHOT;
    }
  }
  v8::StartupData data = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  if (data.data == nullptr || data.raw_size <= 0) {
    SetOut(out, out_len, "V8 could not serialize the realm");
    return JSVM_SNAPSHOT;
  }
  *blob = static_cast<char*>(std::malloc(static_cast<size_t>(data.raw_size)));
  if (*blob == nullptr) std::abort();
  std::memcpy(*blob, data.data, static_cast<size_t>(data.raw_size));
  *blob_len = static_cast<size_t>(data.raw_size);
  delete[] data.data;
  return JSVM_OK;
}

// A new isolate, from `blob` (a snapshot of jsvm_v8_snapshot, which must outlive the
// engine) or from V8's own snapshot when `blob` is null. `heap_limit` is V8's hard limit for
// the old generation; runs get their own, smaller budgets. `initial_old` is where V8 starts
// collecting the old generation (below a run's budget, so that a full GC measures a run
// before it could pass its budget with garbage).
Engine* jsvm_v8_engine_new(const char* blob, size_t blob_len, size_t heap_limit, size_t young_limit,
                           size_t initial_old, jsvm_host_fn host, void* host_user) {
  Engine* e = new Engine();
  e->allocator = new CountingAllocator(e);
  e->host = host;
  e->host_user = host_user;
  e->heap_limit = heap_limit;
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = e->allocator;
  params.external_references = kExternalReferences;
  if (blob != nullptr) {
    e->blob.data = blob;
    e->blob.raw_size = static_cast<int>(blob_len);
    params.snapshot_blob = &e->blob;
  }
  params.constraints.set_max_old_generation_size_in_bytes(heap_limit);
  params.constraints.set_max_young_generation_size_in_bytes(young_limit);
  params.constraints.set_initial_old_generation_size_in_bytes(initial_old);
  e->isolate = v8::Isolate::New(params);
  v8::Isolate* iso = e->isolate;
  iso->SetData(kEngineSlot, e);
  iso->SetCaptureStackTraceForUncaughtExceptions(true, kCapturedFrames, v8::StackTrace::kDetailed);
  iso->AddNearHeapLimitCallback(OnNearHeapLimit, e);
  iso->AddGCEpilogueCallback(OnGcEpilogue, e);
  {
    v8::Isolate::Scope isolate_scope(iso);
    v8::HandleScope scope(iso);
    v8::Local<v8::Context> ctx = v8::Context::New(iso);
    ctx->AllowCodeGenerationFromStrings(false);
    e->scratch.Reset(iso, ctx);
    v8::Context::Scope context_scope(ctx);
    const char kNothing[] = "(function () {})";
    jsvm_script nothing{{"<jsvm>", 6}, {kNothing, sizeof kNothing - 1}, {nullptr, 0}};
    v8::Local<v8::Value> fn;
    if (RunScript(iso, ctx, nothing, &fn) && fn->IsFunction()) e->tripwire.Reset(iso, fn.As<v8::Function>());
  }
  return e;
}

void jsvm_v8_engine_free(Engine* e) {
  if (e == nullptr) return;
  {
    v8::Isolate::Scope isolate_scope(e->isolate);
    e->programs.clear();
    e->scripts.clear();
    e->entry.Reset();
    e->realm.Reset();
    e->tripwire.Reset();
    e->scratch.Reset();
  }
  e->isolate->Dispose();
  delete e->allocator;
  delete e;
}

void* jsvm_v8_engine_isolate(Engine* e) { return e->isolate; }

// Thread-safe: ends whatever JavaScript the isolate runs.
void jsvm_v8_terminate(void* isolate) { static_cast<v8::Isolate*>(isolate)->TerminateExecution(); }

// Compiles `source` eagerly and returns V8's code cache for it.
int32_t jsvm_v8_compile(Engine* e, jsvm_bytes name, jsvm_bytes source, char** cache, size_t* cache_len, char** out,
                        size_t* out_len) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  v8::HandleScope scope(iso);
  v8::Local<v8::Context> ctx = e->scratch.Get(iso);
  v8::Context::Scope context_scope(ctx);
  v8::TryCatch tc(iso);
  jsvm_script s{name, source, {nullptr, 0}};
  v8::Local<v8::UnboundScript> unbound;
  if (!CompileScript(e, iso, s, v8::ScriptCompiler::kEagerCompile).ToLocal(&unbound)) {
    int32_t status = Failure(iso, ctx, tc, out, out_len);
    iso->CancelTerminateExecution();
    return status;
  }
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(v8::ScriptCompiler::CreateCodeCache(unbound));
  if (!data || data->length <= 0) {
    SetOut(out, out_len, "V8 made no code cache");
    return JSVM_ENGINE;
  }
  e->used_after_run = 0;
  *cache = static_cast<char*>(std::malloc(static_cast<size_t>(data->length)));
  if (*cache == nullptr) std::abort();
  std::memcpy(*cache, data->data, static_cast<size_t>(data->length));
  *cache_len = static_cast<size_t>(data->length);
  return JSVM_OK;
}

// The hot realm from the isolate's snapshot (context 0): its entry comes with it; Error,
// which V8 extends on every new context, is frozen now.
int32_t jsvm_v8_realm_from_snapshot(Engine* e, char** out, size_t* out_len) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  v8::HandleScope scope(iso);
  ForgetRealm(e);
  v8::Local<v8::Context> ctx;
  if (!v8::Context::FromSnapshot(iso, 0).ToLocal(&ctx)) {
    SetOut(out, out_len, "no realm in the snapshot");
    return JSVM_ENGINE;
  }
  v8::Context::Scope context_scope(ctx);
  v8::TryCatch tc(iso);
  ctx->AllowCodeGenerationFromStrings(false);
  v8::Local<v8::Function> entry;
  if (!ctx->GetDataFromSnapshotOnce<v8::Function>(0).ToLocal(&entry)) {
    SetOut(out, out_len, "no entry function in the snapshot");
    return JSVM_ENGINE;
  }
  // V8's own Error.stackTraceLimit goes, as the lockdown removes it from a realm it builds
  // (QuickJS has none of the kind): the realms of both engines have the same shape.
  v8::Local<v8::Value> error_ctor;
  if (!ctx->Global()->Get(ctx, Str(iso, "Error", 5)).ToLocal(&error_ctor) || !error_ctor->IsObject() ||
      !error_ctor.As<v8::Object>()->Delete(ctx, Str(iso, "stackTraceLimit", 15)).FromMaybe(false) ||
      !error_ctor.As<v8::Object>()->SetIntegrityLevel(ctx, v8::IntegrityLevel::kFrozen).FromMaybe(false)) {
    return Failure(iso, ctx, tc, out, out_len);
  }
  e->realm.Reset(iso, ctx);
  e->entry.Reset(iso, entry);
  return JSVM_OK;
}

// The hot realm built by evaluating the lockdown and the prelude in a new context.
int32_t jsvm_v8_realm_evaluate(Engine* e, const jsvm_script* lockdown, const jsvm_script* prelude, size_t n,
                               jsvm_bytes entry_name, char** out, size_t* out_len) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  v8::HandleScope scope(iso);
  ForgetRealm(e);
  v8::Local<v8::Context> ctx = v8::Context::New(iso);
  v8::Local<v8::Function> entry;
  int32_t status = BuildRealm(iso, ctx, lockdown, prelude, n, entry_name, false, &entry, out, out_len);
  if (status == JSVM_TERMINATED) iso->CancelTerminateExecution();
  if (status != JSVM_OK) return status;
  e->realm.Reset(iso, ctx);
  e->entry.Reset(iso, entry);
  return JSVM_OK;
}

void jsvm_v8_realm_drop(Engine* e) {
  v8::Isolate::Scope isolate_scope(e->isolate);
  ForgetRealm(e);
}

int32_t jsvm_v8_has_realm(Engine* e) { return e->realm.IsEmpty() ? 0 : 1; }

// Whether a run of the program whose precompiled bytes are `key` needs its script: not when
// the realm evaluated it already or the isolate compiled it.
int32_t jsvm_v8_knows_program(Engine* e, jsvm_bytes key) {
  std::string_view k(key.ptr, key.len);
  for (auto& p : e->programs) {
    if (std::string_view(p.first) == k) return 1;
  }
  for (auto& s : e->scripts) {
    if (std::string_view(s.first) == k) return 1;
  }
  return 0;
}

// One run in the hot realm: the program (`key` is its precompiled bytes, `program` the
// same taken apart, or null when jsvm_v8_knows_program said so) is evaluated, or found
// evaluated, and its value goes to the entry with `args`. The entry's string result comes
// back in *out.
int32_t jsvm_v8_run(Engine* e, jsvm_bytes key, const jsvm_script* program, const jsvm_bytes* args, size_t nargs,
                    size_t memory_bytes, size_t stack_bytes, char** out, size_t* out_len) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  v8::HandleScope scope(iso);
  if (e->realm.IsEmpty()) {
    SetOut(out, out_len, "no realm");
    return JSVM_ENGINE;
  }
  v8::Local<v8::Context> ctx = e->realm.Get(iso);
  v8::Context::Scope context_scope(ctx);

  // Limits: the stack from here; the heap from what was in use when the last run ended (the
  // realm, compiled code, and garbage not collected yet, so a run gets at least its budget;
  // measured now after anything that may have added to it since).
  uintptr_t here = reinterpret_cast<uintptr_t>(&here);
  iso->SetStackLimit(here > stack_bytes ? here - stack_bytes : 0);
  e->aborted = false;
  e->oom.store(false);
  e->run_budget = memory_bytes;
  if (e->used_after_run == 0) e->used_after_run = UsedHeap(iso);
  e->run_limit = e->used_after_run + memory_bytes;
  e->run_external_limit = e->external.load() + memory_bytes;
  e->running = true;

  int32_t status = JSVM_OK;
  {
    v8::TryCatch tc(iso);
    std::string_view program_key(key.ptr, key.len);
    v8::Local<v8::Value> value;
    bool found = false;
    for (auto it = e->programs.rbegin(); it != e->programs.rend(); ++it) {
      if (std::string_view(it->first) == program_key) {
        value = it->second.Get(iso);
        found = true;
        break;
      }
    }
    if (!found) {
      v8::Local<v8::UnboundScript> unbound;
      for (auto& s : e->scripts) {
        if (std::string_view(s.first) == program_key) {
          unbound = s.second.Get(iso);
          break;
        }
      }
      if (unbound.IsEmpty() && program == nullptr) {
        SetOut(out, out_len, "the program's script is needed");
        status = JSVM_ENGINE;
      } else if (unbound.IsEmpty()) {
        if (!CompileScript(e, iso, *program, v8::ScriptCompiler::kNoCompileOptions).ToLocal(&unbound)) {
          status = Failure(iso, ctx, tc, out, out_len);
        } else {
          if (e->scripts.size() >= kScriptsPerIsolate) e->scripts.erase(e->scripts.begin());
          e->scripts.emplace_back(std::string(program_key), v8::Global<v8::UnboundScript>(iso, unbound));
        }
      }
      if (status == JSVM_OK) {
        if (!unbound->BindToCurrentContext()->Run(ctx).ToLocal(&value)) {
          status = Failure(iso, ctx, tc, out, out_len);
        } else {
          if (e->programs.size() >= kProgramsPerRealm) e->programs.erase(e->programs.begin());
          e->programs.emplace_back(std::string(program_key), v8::Global<v8::Value>(iso, value));
        }
      }
    }
    if (status == JSVM_OK) {
      std::vector<v8::Local<v8::Value>> argv;
      argv.reserve(nargs + 1);
      argv.push_back(value);
      for (size_t i = 0; i < nargs; i++) argv.push_back(Str(iso, args[i].ptr, args[i].len));
      v8::Local<v8::Function> entry = e->entry.Get(iso);
      v8::Local<v8::Value> result;
      if (!entry->Call(ctx, v8::Undefined(iso), static_cast<int>(argv.size()), argv.data()).ToLocal(&result)) {
        status = Failure(iso, ctx, tc, out, out_len);
      } else if (!result->IsString()) {
        SetOut(out, out_len, "the entry function returned a non-string");
        status = JSVM_ENGINE;
      } else {
        // As written (lone surrogates in their WTF-8 form): the VM refuses such a result, as QuickJS does.
        SetOut(out, out_len, Utf8(iso, result.As<v8::String>()));
      }
    }
  }
  e->running = false;
  // One allocation far past the budget (a flattened string, a joined array) that no GC saw
  // before the run ended: out of memory all the same.
  e->used_after_run = UsedHeap(iso);
  if (!e->oom.load() && e->used_after_run > e->run_limit + e->run_budget) e->oom.store(true);
  // Garbage of this run must not count as the next run's starting point.
  if (e->used_after_run > e->run_limit) e->collect = true;
  if (iso->IsExecutionTerminating() || status == JSVM_TERMINATED) iso->CancelTerminateExecution();
  return status;
}

// After a run, with nothing of it left on the stack: whatever V8 asked the platform to do
// on this isolate's thread (GC steps, finalising compiles), a stale termination request,
// and a full collection when the run left more than its budget behind.
void jsvm_v8_idle(Engine* e) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  while (v8::platform::PumpMessageLoop(g_platform.get(), iso, v8::platform::MessageLoopBehavior::kDoNotWait)) {
  }
  iso->CancelTerminateExecution();
  if (e->collect) {
    e->collect = false;
    iso->LowMemoryNotification();
    e->used_after_run = UsedHeap(iso);
  }
}

int32_t jsvm_v8_oom(Engine* e) { return e->oom.load() ? 1 : 0; }

// Whether V8's hard heap limit was reached (and raised to unwind): the isolate is replaced.
int32_t jsvm_v8_heap_limit_raised(Engine* e) { return e->heap_limit_raised ? 1 : 0; }

uint64_t jsvm_v8_cache_rejected(Engine* e) { return e->cache_rejected; }

// Heap bytes in use, after a full collection when `collect` is set (tests and measurements).
size_t jsvm_v8_heap_used(Engine* e, int32_t collect) {
  v8::Isolate* iso = e->isolate;
  v8::Isolate::Scope isolate_scope(iso);
  if (collect) iso->LowMemoryNotification();
  return UsedHeap(iso);
}

}  // extern "C"
