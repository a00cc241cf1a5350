/* Staff pages of the One-Window Assistant: plain JS, no build step, no network but our own API.
 *
 * Rules kept throughout:
 *  - user and knowledge text is inserted with textContent only (the h() helper never sets HTML);
 *  - every visible string comes from I18N and follows the 中文/English toggle (data-i18n*);
 *  - what is typed in the editor is kept in localStorage (per slug) until a save succeeds;
 *  - every API error is shown in the page as its message, never with alert().
 */
"use strict";

(function () {
  // ---------------------------------------------------------------- strings
  const I18N = {
    zh: {
      app_title: "海口一窗通办 · 工作人员后台",
      skip: "跳到主要内容",
      lang_label: "界面语言",
      nav_label: "主导航",
      nav_entries: "条目",
      nav_review: "待审核",
      nav_queue: "未解答问题",
      nav_upload: "上传文档",
      nav_audit: "审计日志",
      logout: "退出登录",
      signed_in_as: "已登录:",
      role_editor: "编辑",
      role_reviewer: "审核员",
      role_admin: "管理员",
      loading: "正在加载…",
      close_msg: "关闭消息",
      err_view: "无法显示此页面。",
      no_route: "没有这个页面。",
      go_entries: "前往条目列表",

      login_title: "工作人员登录",
      login_hint: "账号由管理员创建。登录后可以编辑、审核和发布知识条目。",
      username: "用户名",
      password: "密码",
      login_btn: "登录",
      logging_in: "正在登录…",
      login_need: "请输入用户名和密码。",
      session_lost:
        "登录已失效,请重新登录。编辑器中输入的文本已保存在本浏览器中,登录后打开该条目即可恢复。",
      logged_out: "已退出登录。",

      lead_0: "无法连接服务器:",
      lead_400: "请求有误:",
      lead_401: "未登录或登录已失效:",
      lead_403: "当前角色无权操作:",
      lead_404: "未找到:",
      lead_409: "冲突:",
      lead_413: "内容过大:",
      lead_415: "文件类型不支持:",
      lead_422: "内容有误:",
      lead_500: "服务器出错:",
      lead_login: "登录失败:",
      lead_upload_413: "文件太大:",
      lead_upload_422: "文件无法读取:",

      entries_title: "知识条目",
      search: "搜索",
      search_ph: "标识、问题或正文中的文字",
      filter_status: "状态",
      filter_kind: "类型",
      all_statuses: "全部状态",
      all_kinds: "全部类型",
      apply: "筛选",
      new_faq: "新建常见问答",
      new_guide: "新建办事指南",
      col_title: "标题",
      col_slug: "标识",
      col_kind: "类型",
      col_status: "状态",
      col_version: "版本",
      col_updated: "更新时间",
      col_author: "作者",
      col_saved_status: "保存时的状态",
      col_comment: "说明",
      col_created: "时间",
      col_action: "操作",
      col_time: "时间",
      col_actor: "操作人",
      col_detail: "详情",
      entries_caption: "条目列表",
      no_entries: "没有符合条件的条目。",
      n_entries: "显示 {n} 条",
      load_more: "加载更多",
      untitled: "(无标题)",
      live_v: "线上 v{v}",
      local_draft_badge: "本机有未保存文本",
      kind_faq: "常见问答",
      kind_guide: "办事指南",
      kind_document: "文档",
      status_draft: "草稿",
      status_in_review: "待审核",
      status_published: "已发布",
      status_archived: "已归档",

      edit_h: "编辑",
      version_n: "第 {v} 版",
      live_version: "线上为第 {v} 版",
      not_live: "尚未上线",
      dirty: "有未保存的更改(已暂存在本浏览器)",
      clean: "所有更改已保存",
      restored: "已恢复本浏览器中尚未保存的文本({time},基于第 {v} 版)。",
      restored_new: "已恢复本浏览器中尚未保存的文本({time})。",
      restored_stale: "服务器上现在是第 {n} 版:保存时会提示冲突,你可以先对照再保存。",
      discard_local: "放弃本机文本,载入服务器版本",
      confirm_discard: "再点一次确认放弃",
      f_slug: "标识(slug)",
      slug_hint: "小写字母、数字和连字符,例如 night-tax-filing;创建后不能更改。",
      slug_fixed: "标识创建后不能更改。",
      slug_invalid: "标识只能由小写字母、数字和连字符组成(例如 night-tax-filing)。",
      f_question: "问题",
      f_answer: "回答",
      f_title: "标题",
      lang_zh: "中文",
      lang_en: "英文",
      f_refs: "依据(source_refs)",
      refs_hint: "用逗号或空格分隔,例如 plan#22, guide:electricity-connection",
      f_aliases: "用户常用说法(aliases)",
      aliases_hint: "每行一个用户可能的说法,例如“开公司”“办执照要啥材料”。只用于检索,不会展示给用户;只写本条内容确实涵盖的事项。",
      eff_legend: "有效期(可选)",
      f_eff_from: "生效日期",
      f_eff_until: "失效日期",
      date_hint: "年-月-日,例如 2026-03-01",
      sec_basics: "基本信息",
      sec_fields: "指南内容",
      fields_hint: "没有来源支持的字段请留空;助手会提示用户向政务服务大厅或 12345 热线确认。",
      f_source_url: "主来源网址(source_url)",
      f_source_name: "主来源名称",
      f_source_official: "主来源是官方来源",
      f_last_checked: "最近核对日期",
      other_sources: "其他来源(other_sources)",
      other_n: "来源 {n}",
      os_key: "键(供字段引用)",
      os_url: "网址",
      os_name: "名称",
      os_official: "官方来源",
      os_remove: "删除此来源",
      os_add: "添加来源",
      no_other_sources: "暂无其他来源。",
      field_source: "来源",
      src_main: "主来源(source_url)",
      src_missing: "{key}(未定义)",
      list_hint: "每行一项;中英文行数必须相同。",
      list_count: "中文 {zh} 项,英文 {en} 项",
      list_mismatch: "中文 {zh} 项,英文 {en} 项:数量不一致",
      f_online_url: "网上办理网址",
      fl_audience: "适用对象",
      fl_conditions: "办理条件",
      fl_materials: "所需材料",
      fl_steps: "办理流程",
      fl_time_limit: "办理时限",
      fl_fees: "收费标准",
      fl_address: "办理地点",
      fl_window: "办理窗口",
      fl_hours: "办公时间",
      fl_phone: "咨询电话",
      fl_online: "网上办理",
      fl_legal_basis: "办理依据",
      f_doc_lang: "文档语言",
      f_doc_text: "文档正文",
      f_filename: "原文件名:{name}",
      save: "保存",
      saving: "正在保存…",
      submit: "提交审核",
      publish: "发布",
      archive: "归档",
      confirm_archive: "确认归档?再点一次",
      review_box: "审核",
      reject_label: "退回意见(告诉编辑需要修改什么)",
      reject: "退回修改",
      reject_need: "请写明需要修改什么。",
      history: "版本历史",
      back_list: "返回条目列表",
      saved_v: "已保存为第 {v} 版(草稿)。",
      created_v: "已创建草稿 {slug}(第 {v} 版)。",
      done_submit: "已提交审核(第 {v} 版)。",
      done_publish: "已发布第 {v} 版,用户现在就能看到。",
      done_reject: "已退回修改。",
      done_archive: "已归档,不再回答用户。",
      publish_dirty: "编辑器中有未保存的更改;请先保存(保存后需要重新提交审核)。",
      archived_note: "已归档的条目不能编辑;可以在版本历史中恢复某个版本。",
      live_kept: "线上仍是第 {v} 版,直到新版本发布。",
      reviewer_only: "只有审核员可以发布、退回或归档。",
      conflict_kept: "你的文本没有丢失:它仍在编辑器中,也暂存在本浏览器里。",
      load_theirs: "在旁边载入对方的版本",
      theirs_title: "对方保存的第 {v} 版",
      theirs_meta: "由 {who} 保存于 {time}",
      theirs_hint: "编辑器中是你的文本,这里是服务器上的最新版本。对照后把需要的内容合并到编辑器,再保存。",
      save_over: "在第 {v} 版之后保存我的文本",
      close_compare: "关闭对照",

      preview_title: "预览:用户看到的回答",
      preview_q: "试问(可选,默认用标题提问)",
      pv_updating: "正在更新预览…",
      pv_updated: "预览已更新({time})",
      pv_problems: "阻止发布的问题",
      pv_ok: "没有阻止发布的问题。",
      pv_answer_zh: "中文回答",
      pv_answer_en: "英文回答",
      pv_no_answer: "修正上面的问题后才能生成回答。",
      pv_idle: "填写内容后,这里会显示回答。",

      review_title: "待审核条目",
      review_empty: "没有待审核的条目。",
      by_author: "作者 {who}",
      updated_at: "更新于 {time}",
      open_editor: "打开编辑器",
      compare_live: "与线上版本比较",
      show_content: "查看内容",

      history_title: "版本历史",
      versions_caption: "全部版本",
      live_badge: "线上",
      restore: "恢复此版本",
      confirm_restore: "确认恢复并发布?",
      done_restore: "已把第 {from} 版恢复为第 {v} 版并发布。",
      diff_title: "比较两个版本",
      diff_from: "旧版本",
      diff_to: "新版本",
      diff_btn: "显示差异",
      diff_same: "这两个版本内容相同。",
      diff_legend: "以 - 开头的行被删除,以 + 开头的行被添加。",
      back_editor: "返回编辑器",

      queue_title: "未解答的问题",
      queue_hint: "助手拒答或被用户评为“没帮助”的问题,按意思归组,出现次数多的在前。",
      queue_empty: "目前没有未解答的问题。",
      asked_n: "被问 {n} 次",
      asked_once: "被问 1 次",
      reason_refused: "拒答 {n} 次",
      reason_rated_down: "差评 {n} 次",
      last_seen: "最近一次:{time}",
      q_lang: "提问语言:{lang}",
      lang_name_zh: "中文",
      lang_name_en: "英文",
      examples: "提问示例",
      create_from_q: "根据此问题创建条目",
      creating: "正在创建…",

      upload_title: "上传办事指南文档",
      upload_hint:
        "支持 Markdown(.md)、Word(.docx)和 PDF,最大 5 MB。上传后生成草稿,提交审核并发布后才会回答用户。",
      f_file: "文件(.md、.docx、.pdf)",
      choose_file: "选择文件",
      no_file: "未选择文件",
      f_doc_titles: "文档标题",
      upload_btn: "上传",
      uploading: "正在上传…",
      need_file: "请选择要上传的文件。",
      need_titles: "请填写中文和英文标题。",
      too_big_local: "{name} 有 {mb} MB,超过 5 MB 的上限。",
      uploaded: "已上传为草稿 {slug}(提取了 {n} 个字符)。",
      open_draft: "打开草稿",

      audit_title: "审计日志",
      audit_caption: "最近的操作",
      act_create: "创建",
      act_update: "保存新版本",
      act_submit: "提交审核",
      act_publish: "发布",
      act_reject: "退回修改",
      act_archive: "归档",
      act_restore: "恢复版本",
      act_import: "导入",
      act_conflict: "保存冲突(已记录被拒的文本)",
    },
    en: {
      app_title: "Haikou One-Window Service · Staff",
      skip: "Skip to main content",
      lang_label: "Interface language",
      nav_label: "Main navigation",
      nav_entries: "Entries",
      nav_review: "Review",
      nav_queue: "Unanswered",
      nav_upload: "Upload",
      nav_audit: "Audit log",
      logout: "Log out",
      signed_in_as: "Signed in:",
      role_editor: "Editor",
      role_reviewer: "Reviewer",
      role_admin: "Administrator",
      loading: "Loading…",
      close_msg: "Dismiss message",
      err_view: "This page could not be shown.",
      no_route: "There is no such page.",
      go_entries: "Go to the entries",

      login_title: "Staff login",
      login_hint:
        "Accounts are created by an administrator. Once logged in you can edit, review and publish knowledge entries.",
      username: "Username",
      password: "Password",
      login_btn: "Log in",
      logging_in: "Logging in…",
      login_need: "Enter your username and password.",
      session_lost:
        "Your session has ended; please log in again. Text typed in the editor is kept in this browser and comes back when you open the entry.",
      logged_out: "You have logged out.",

      lead_0: "Could not reach the server:",
      lead_400: "Bad request:",
      lead_401: "Not logged in:",
      lead_403: "Your role cannot do this:",
      lead_404: "Not found:",
      lead_409: "Conflict:",
      lead_413: "Too large:",
      lead_415: "Unsupported file type:",
      lead_422: "Invalid:",
      lead_500: "Server error:",
      lead_login: "Login failed:",
      lead_upload_413: "File too large:",
      lead_upload_422: "The file could not be read:",

      entries_title: "Knowledge entries",
      search: "Search",
      search_ph: "Slug or any text in the entry",
      filter_status: "Status",
      filter_kind: "Kind",
      all_statuses: "All statuses",
      all_kinds: "All kinds",
      apply: "Filter",
      new_faq: "New FAQ",
      new_guide: "New service guide",
      col_title: "Title",
      col_slug: "Slug",
      col_kind: "Kind",
      col_status: "Status",
      col_version: "Version",
      col_updated: "Updated",
      col_author: "Author",
      col_saved_status: "Status when saved",
      col_comment: "Comment",
      col_created: "Time",
      col_action: "Action",
      col_time: "Time",
      col_actor: "Who",
      col_detail: "Detail",
      entries_caption: "Entries",
      no_entries: "No entries match.",
      n_entries: "{n} shown",
      load_more: "Load more",
      untitled: "(untitled)",
      live_v: "live v{v}",
      local_draft_badge: "Unsaved text in this browser",
      kind_faq: "FAQ",
      kind_guide: "Service guide",
      kind_document: "Document",
      status_draft: "Draft",
      status_in_review: "In review",
      status_published: "Published",
      status_archived: "Archived",

      edit_h: "Edit",
      version_n: "Version {v}",
      live_version: "Live: version {v}",
      not_live: "Not live yet",
      dirty: "Unsaved changes (kept in this browser)",
      clean: "All changes saved",
      restored: "Restored unsaved text from this browser ({time}, based on version {v}).",
      restored_new: "Restored unsaved text from this browser ({time}).",
      restored_stale:
        "The server now has version {n}: saving will report a conflict so you can compare first.",
      discard_local: "Discard this text and load the server version",
      confirm_discard: "Click again to discard",
      f_slug: "Slug",
      slug_hint: "Lowercase letters, digits and hyphens, e.g. night-tax-filing; it cannot be changed later.",
      slug_fixed: "The slug cannot be changed.",
      slug_invalid: "A slug is lowercase letters, digits and hyphens (e.g. night-tax-filing).",
      f_question: "Question",
      f_answer: "Answer",
      f_title: "Title",
      lang_zh: "Chinese",
      lang_en: "English",
      f_refs: "Sources (source_refs)",
      refs_hint: "Separated by commas or spaces, e.g. plan#22, guide:electricity-connection",
      f_aliases: "How users say it (aliases)",
      aliases_hint:
        "One phrase per line, in users' own words, e.g. “open a company”, “documents for a business licence”. Used only to find this item, never shown; name only what this item covers.",
      eff_legend: "Effective dates (optional)",
      f_eff_from: "Effective from",
      f_eff_until: "Effective until",
      date_hint: "Year-month-day, e.g. 2026-03-01",
      sec_basics: "Basics",
      sec_fields: "Guide fields",
      fields_hint:
        "Leave out any field no source gives; the assistant then tells users to check with the service hall or the 12345 hotline.",
      f_source_url: "Main source URL (source_url)",
      f_source_name: "Main source name",
      f_source_official: "The main source is official",
      f_last_checked: "Last checked",
      other_sources: "Other sources (other_sources)",
      other_n: "Source {n}",
      os_key: "Key (used by fields)",
      os_url: "URL",
      os_name: "Name",
      os_official: "Official source",
      os_remove: "Remove this source",
      os_add: "Add a source",
      no_other_sources: "No other sources.",
      field_source: "Source",
      src_main: "Main source (source_url)",
      src_missing: "{key} (not defined)",
      list_hint: "One item per line; Chinese and English need the same number of lines.",
      list_count: "{zh} Chinese items, {en} English items",
      list_mismatch: "{zh} Chinese items, {en} English items: the counts differ",
      f_online_url: "Online service URL",
      fl_audience: "Who it is for",
      fl_conditions: "Conditions",
      fl_materials: "Documents required",
      fl_steps: "Steps",
      fl_time_limit: "Time limit",
      fl_fees: "Fees",
      fl_address: "Address",
      fl_window: "Window",
      fl_hours: "Opening hours",
      fl_phone: "Phone",
      fl_online: "Online",
      fl_legal_basis: "Legal basis",
      f_doc_lang: "Document language",
      f_doc_text: "Document text",
      f_filename: "Original file: {name}",
      save: "Save",
      saving: "Saving…",
      submit: "Submit for review",
      publish: "Publish",
      archive: "Archive",
      confirm_archive: "Archive? Click again",
      review_box: "Review",
      reject_label: "Why it goes back (tell the editor what to change)",
      reject: "Send back",
      reject_need: "Say what needs to change.",
      history: "Version history",
      back_list: "Back to entries",
      saved_v: "Saved as version {v} (draft).",
      created_v: "Draft {slug} created (version {v}).",
      done_submit: "Submitted for review (version {v}).",
      done_publish: "Version {v} is published; users see it now.",
      done_reject: "Sent back to the editor.",
      done_archive: "Archived; it no longer answers users.",
      publish_dirty:
        "The editor has unsaved changes; save them first (a saved change needs review again).",
      archived_note: "An archived entry cannot be edited; restore a version from its history.",
      live_kept: "Version {v} stays live until a new version is published.",
      reviewer_only: "Only reviewers can publish, send back or archive.",
      conflict_kept: "Your text is not lost: it is still in the editor and kept in this browser.",
      load_theirs: "Load their version beside yours",
      theirs_title: "Their version {v}",
      theirs_meta: "saved by {who} at {time}",
      theirs_hint:
        "Your text is in the editor; this is the latest version on the server. Merge what you need into the editor, then save.",
      save_over: "Save my text after version {v}",
      close_compare: "Close the comparison",

      preview_title: "Preview: the answer users will see",
      preview_q: "Test question (optional; the title by default)",
      pv_updating: "Updating the preview…",
      pv_updated: "Preview updated ({time})",
      pv_problems: "Problems that block publishing",
      pv_ok: "Nothing blocks publishing.",
      pv_answer_zh: "Answer in Chinese",
      pv_answer_en: "Answer in English",
      pv_no_answer: "Fix the problems above to see the answer.",
      pv_idle: "Fill in the entry to see the answer here.",

      review_title: "Entries waiting for review",
      review_empty: "Nothing is waiting for review.",
      by_author: "by {who}",
      updated_at: "updated {time}",
      open_editor: "Open in the editor",
      compare_live: "Compare with the live version",
      show_content: "Show the content",

      history_title: "Version history",
      versions_caption: "All versions",
      live_badge: "Live",
      restore: "Restore this version",
      confirm_restore: "Restore and publish?",
      done_restore: "Version {from} is restored as version {v} and published.",
      diff_title: "Compare two versions",
      diff_from: "Older version",
      diff_to: "Newer version",
      diff_btn: "Show the differences",
      diff_same: "These two versions are the same.",
      diff_legend: "Lines starting with - were removed; lines starting with + were added.",
      back_editor: "Back to the editor",

      queue_title: "Unanswered questions",
      queue_hint:
        "Questions the assistant refused or whose answers users rated down, grouped by meaning, the most frequent first.",
      queue_empty: "No unanswered questions right now.",
      asked_n: "Asked {n} times",
      asked_once: "Asked once",
      reason_refused: "refused {n}×",
      reason_rated_down: "rated down {n}×",
      last_seen: "Last: {time}",
      q_lang: "Asked in {lang}",
      lang_name_zh: "Chinese",
      lang_name_en: "English",
      examples: "Examples",
      create_from_q: "Create an entry from this question",
      creating: "Creating…",

      upload_title: "Upload a service-guide document",
      upload_hint:
        "Markdown (.md), Word (.docx) or PDF, up to 5 MB. The upload becomes a draft; it answers users only after review and publishing.",
      f_file: "File (.md, .docx, .pdf)",
      choose_file: "Choose a file",
      no_file: "No file chosen",
      f_doc_titles: "Document title",
      upload_btn: "Upload",
      uploading: "Uploading…",
      need_file: "Choose a file to upload.",
      need_titles: "Fill in both the Chinese and the English title.",
      too_big_local: "{name} is {mb} MB, over the 5 MB limit.",
      uploaded: "Uploaded as draft {slug} ({n} characters of text).",
      open_draft: "Open the draft",

      audit_title: "Audit log",
      audit_caption: "Latest actions",
      act_create: "created",
      act_update: "saved a new version",
      act_submit: "submitted for review",
      act_publish: "published",
      act_reject: "sent back",
      act_archive: "archived",
      act_restore: "restored a version",
      act_import: "imported",
      act_conflict: "save conflict (refused text kept)",
    },
  };

  const ROLES = ["editor", "reviewer", "admin"];
  const STATUSES = ["draft", "in_review", "published", "archived"];
  const KINDS = ["faq", "guide", "document"];
  const FIELDS = [
    ["audience", "text"],
    ["conditions", "text"],
    ["materials", "list"],
    ["steps", "list"],
    ["time_limit", "text"],
    ["fees", "text"],
    ["address", "text"],
    ["window", "text"],
    ["hours", "text"],
    ["phone", "text"],
    ["online", "online"],
    ["legal_basis", "text"],
  ];
  // Payload keys shown with a label when a stored version is displayed.
  const KEY_LABELS = {
    slug: "f_slug",
    question: "f_question",
    answer: "f_answer",
    title: "f_title",
    source_refs: "f_refs",
    aliases: "f_aliases",
    effective_from: "f_eff_from",
    effective_until: "f_eff_until",
    source_url: "f_source_url",
    source_name: "f_source_name",
    source_official: "f_source_official",
    last_checked: "f_last_checked",
    other_sources: "other_sources",
    fields: "sec_fields",
    url: "os_url",
    name: "os_name",
    official: "os_official",
    source: "field_source",
    text: "f_doc_text",
    lang: "f_doc_lang",
    zh: "lang_zh",
    en: "lang_en",
  };
  FIELDS.forEach(([f]) => (KEY_LABELS[f] = "fl_" + f));
  const SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  const MAX_UPLOAD = 5 * 1024 * 1024;
  const DRAFT_PREFIX = "ow-staff-draft:";
  const LANG_KEY = "ow-staff-lang";

  let lang = storedLang();
  let me = null; // {username, role}
  let returnTo = "";
  let pendingNotice = null; // [kind, key] shown on the next view
  let leaveHook = null;
  let routeSeq = 0;
  let uid = 0;

  // ---------------------------------------------------------------- i18n
  function storedLang() {
    try {
      const v = localStorage.getItem(LANG_KEY);
      return v === "en" ? "en" : "zh";
    } catch (_) {
      return "zh";
    }
  }

  // t, setT and setTAttr from ../common/dom.js, reading this page's language.
  const { t, setT, setTAttr, retranslate, saveLang } = window.makeI18n(I18N, () => lang);
  const { htmlLang } = window;

  // Knowledge text in both languages: shows the UI language, or the other one when empty.
  function setBi(el, obj, emptyKey) {
    el.dataset.bi = "1";
    el._bi = obj || {};
    if (emptyKey) el.dataset.biEmpty = emptyKey;
    renderBi(el);
    return el;
  }

  function renderBi(el) {
    const obj = el._bi || {};
    const other = lang === "zh" ? "en" : "zh";
    const pick = (obj[lang] || "").trim() ? lang : (obj[other] || "").trim() ? other : null;
    if (pick) {
      el.textContent = obj[pick];
      el.lang = htmlLang(pick);
    } else {
      el.textContent = el.dataset.biEmpty ? t(el.dataset.biEmpty) : "";
      el.lang = htmlLang(lang);
    }
  }

  function applyLang() {
    retranslate();
    document.querySelectorAll("[data-bi]").forEach(renderBi);
    document.querySelectorAll(".langs button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    });
    const h2 = document.querySelector("#main h2");
    document.title = t("app_title") + (h2 && h2.textContent ? " – " + h2.textContent : "");
  }

  function setLang(l) {
    lang = saveLang(LANG_KEY, l);
    applyLang();
  }

  // ---------------------------------------------------------------- DOM helper
  // h(tag, props, ...children) from ../common/dom.js, with this page's translation keys.
  const h = window.makeH((el, k, v) => {
    if (k === "t") setT(el, v);
    else if (k === "tattr") setTAttr(el, v);
    else if (k === "bi") setBi(el, v[0], v[1]);
    else return false;
    return true;
  });

  const $ = (sel, root) => (root || document).querySelector(sel);
  const nid = (p) => `${p || "f"}-${++uid}`;
  const enc = encodeURIComponent;
  const clone = (o) => JSON.parse(JSON.stringify(o === undefined ? null : o));
  const can = (role) => !!me && ROLES.indexOf(me.role) >= ROLES.indexOf(role);

  function canon(v) {
    if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
    if (v && typeof v === "object") {
      return (
        "{" +
        Object.keys(v)
          .sort()
          .map((k) => JSON.stringify(k) + ":" + canon(v[k]))
          .join(",") +
        "}"
      );
    }
    return JSON.stringify(v === undefined ? null : v);
  }

  function fmtTime(iso) {
    if (!iso) return "";
    // The server stores UTC without a zone; show the browser's local time.
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z");
    if (isNaN(d)) return String(iso);
    const p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  function badge(kindOf, value) {
    return h("span", { class: `badge ${kindOf}-${value}`, t: `${kindOf}_${value}` });
  }

  // ---------------------------------------------------------------- messages
  function msgArea() {
    return h("div", { class: "msgs" });
  }

  function closeable(box, node) {
    const close = h("button", {
      type: "button",
      class: "msg-close",
      tattr: { "aria-label": "close_msg", title: "close_msg" },
      onclick: () => box.replaceChildren(),
    }, "×");
    node.prepend(close);
    return node;
  }

  function showText(box, kind, key, args, ...extra) {
    const node = h(
      "div",
      { class: `msg ${kind}`, role: kind === "err" ? "alert" : "status" },
      h("p", null, h("span", { t: [key, args] })),
      extra
    );
    box.replaceChildren(closeable(box, node));
    return node;
  }

  function leadKey(status) {
    if (status >= 500) return "lead_500";
    return I18N.zh["lead_" + status] ? "lead_" + status : "lead_400";
  }

  function errorNodes(err) {
    return [
      h("strong", { t: err.lead || leadKey(err.status || 0) }),
      h("span", { class: "api-msg", lang: "en", text: err.message || String(err) }),
    ];
  }

  function showError(box, err, ...extra) {
    const node = h("div", { class: "msg err", role: "alert" }, h("p", null, errorNodes(err)), extra);
    box.replaceChildren(closeable(box, node));
    return node;
  }

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, message, type, body) {
      super(message);
      this.status = status;
      this.type = type || "";
      this.body = body || null;
    }
  }

  async function api(method, path, body, form) {
    const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (form) opts.body = form;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch("/api/v1" + path, opts);
    } catch (e) {
      throw new ApiError(0, (e && e.message) || "network error", "network");
    }
    const raw = await res.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      let message = data && data.error && data.error.message;
      if (!message && data && typeof data.detail === "string") message = data.detail;
      if (!message) message = `HTTP ${res.status} ${res.statusText || ""}`.trim();
      const err = new ApiError(res.status, message, data && data.error && data.error.type, data);
      if (res.status === 401 && path !== "/auth/login" && path !== "/auth/me") sessionLost();
      throw err;
    }
    return data;
  }

  function sessionLost() {
    if (!me) return;
    me = null;
    updateChrome();
    returnTo = location.hash && location.hash !== "#/login" ? location.hash : returnTo;
    pendingNotice = ["err", "session_lost"];
    location.hash = "#/login";
  }

  // ---------------------------------------------------------------- local drafts
  const draftKey = (id) => DRAFT_PREFIX + id;

  function readDraft(key) {
    try {
      const raw = localStorage.getItem(key);
      const v = raw ? JSON.parse(raw) : null;
      return v && typeof v === "object" && v.data ? v : null;
    } catch (_) {
      return null;
    }
  }

  function writeDraft(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_) {
      return false;
    }
  }

  function removeDraft(key) {
    try {
      localStorage.removeItem(key);
    } catch (_) {
      /* nothing stored */
    }
  }

  // ---------------------------------------------------------------- chrome + routing
  function updateChrome() {
    const who = $("#who");
    const nav = $("#nav");
    if (me) {
      $("#who-name").textContent = me.username;
      setT($("#who-role"), "role_" + me.role);
      who.hidden = false;
      nav.hidden = false;
      $("#nav-audit").hidden = !can("admin");
    } else {
      who.hidden = true;
      nav.hidden = true;
    }
  }

  const ROUTES = [
    [/^#\/login$/, "login", () => viewLogin()],
    [/^#\/entries$/, "entries", () => viewEntries()],
    [/^#\/new\/(faq|guide)$/, "entries", (m) => viewEditor(null, m[1])],
    [/^#\/edit\/(.+)$/, "entries", (m) => viewEditor(decodeURIComponent(m[1]))],
    [/^#\/history\/(.+)$/, "entries", (m) => viewHistory(decodeURIComponent(m[1]))],
    [/^#\/review$/, "review", () => viewReview()],
    [/^#\/queue$/, "queue", () => viewQueue()],
    [/^#\/upload$/, "upload", () => viewUpload()],
    [/^#\/audit$/, "audit", () => viewAudit()],
  ];

  async function route() {
    if (leaveHook) {
      leaveHook();
      leaveHook = null;
    }
    const hash = location.hash || "#/entries";
    if (!me && hash !== "#/login") {
      returnTo = hash;
      location.replace("#/login");
      return;
    }
    if (me && hash === "#/login") {
      location.replace("#/entries");
      return;
    }
    const seq = ++routeSeq;
    const main = $("#main");
    let name = "";
    let make = null;
    let match = null;
    for (const [re, n, fn] of ROUTES) {
      match = hash.match(re);
      if (match) {
        name = n;
        make = fn;
        break;
      }
    }
    document.querySelectorAll("#nav a").forEach((a) => {
      if (a.dataset.route === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    main.replaceChildren(h("p", { class: "loading", t: "loading" }));
    let view;
    try {
      view = make
        ? await make(match)
        : h("section", { class: "view" }, h("h2", { tabindex: "-1", t: "no_route" }),
            h("p", null, h("a", { href: "#/entries", t: "go_entries" })));
    } catch (err) {
      if (seq !== routeSeq) return;
      const box = msgArea();
      showError(box, err);
      view = h("section", { class: "view" }, h("h2", { tabindex: "-1", t: "err_view" }), box,
        h("p", null, h("a", { href: "#/entries", t: "go_entries" })));
    }
    if (seq !== routeSeq) return;
    main.replaceChildren(view);
    applyLang();
    autosizeAll();
    const focusTarget = main.querySelector("[autofocus]") || main.querySelector("h2");
    if (focusTarget) focusTarget.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  // ---------------------------------------------------------------- form pieces
  function field(labelKey, control, hintKey, hintArgs) {
    const id = control.id || (control.id = nid("f"));
    const hint = hintKey ? h("p", { class: "hint", id: id + "-hint", t: [hintKey, hintArgs] }) : null;
    if (hint) control.setAttribute("aria-describedby", hint.id);
    return h("div", { class: "field" }, h("label", { for: id, t: labelKey }), control, hint);
  }

  function selectEl(id, options, value) {
    const sel = h("select", { id });
    for (const [v, key] of options) {
      sel.append(h("option", { value: v, t: key, selected: v === value }));
    }
    sel.value = value;
    return sel;
  }

  function textInput(value, extra) {
    return h("input", Object.assign({ type: "text", id: nid("f"), value: value || "" }, extra || {}));
  }

  // A single-line value that wraps instead of scrolling out of sight (titles, names, URLs):
  // a one-row textarea that grows with its text and ignores Enter.
  function lineArea(value, extra) {
    const el = h("textarea", Object.assign({ id: nid("f"), rows: 1, class: "oneline", value: value || "" }, extra || {}));
    el.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") ev.preventDefault();
    });
    return el;
  }

  function urlArea(value, name) {
    return lineArea(value, { inputmode: "url", lang: "en", spellcheck: "false", autocomplete: "off", "data-name": name });
  }

  // Browsers without `field-sizing: content` get the same growing textareas from script.
  const GROWS = typeof CSS !== "undefined" && CSS.supports && CSS.supports("field-sizing", "content");
  function autosize(el) {
    if (GROWS || !el || el.tagName !== "TEXTAREA" || !el.isConnected) return;
    el.style.height = "auto";
    el.style.height = Math.min(el.scrollHeight + 4, 600) + "px";
  }
  function autosizeAll() {
    if (!GROWS) document.querySelectorAll("#main textarea").forEach(autosize);
  }

  // A bilingual pair: a fieldset with the zh and en controls side by side.
  function pair(labelKey, val, opts) {
    opts = opts || {};
    val = val || {};
    const cell = (l) => {
      const id = nid("f");
      const common = { id, lang: htmlLang(l), value: opts.join ? (val[l] || []).join("\n") : val[l] || "" };
      let ctl;
      if (opts.rows) ctl = h("textarea", Object.assign({ rows: opts.rows, class: opts.rows >= 6 ? "tall" : null }, common));
      else if (opts.wrap) ctl = lineArea(common.value, { id, lang: common.lang });
      else ctl = h("input", Object.assign({ type: "text" }, common));
      if (opts.name) ctl.dataset.name = `${opts.name}.${l}`;
      ctl.addEventListener("input", () => autosize(ctl));
      return { ctl, node: h("div", { class: "cell" }, h("label", { for: id, class: "sub", t: l === "zh" ? "lang_zh" : "lang_en" }), ctl) };
    };
    const z = cell("zh");
    const e = cell("en");
    const legend = h("legend", { t: labelKey });
    const node = h("fieldset", { class: "pair" }, legend, h("div", { class: "cols" }, z.node, e.node));
    return { node, zh: z.ctl, en: e.ctl, value: () => ({ zh: z.ctl.value, en: e.ctl.value }) };
  }

  function splitRefs(s) {
    return s
      .split(/[\s,,、;;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  }

  function lines(s) {
    return s
      .split(/\r?\n/)
      .map((x) => x.trim())
      .filter(Boolean);
  }

  function slugField(value, isNew) {
    const input = textInput(value, {
      readOnly: !isNew,
      autocomplete: "off",
      spellcheck: "false",
      lang: "en",
      "data-name": "slug",
    });
    const node = field("f_slug", input, isNew ? "slug_hint" : "slug_fixed");
    return { node, input, lock() {
      input.readOnly = true;
      const hint = node.querySelector(".hint");
      if (hint) setT(hint, "slug_fixed");
    } };
  }

  function refsField(refs) {
    const input = textInput((refs || []).join(", "), { lang: "en", spellcheck: "false", "data-name": "source_refs" });
    return { node: field("f_refs", input, "refs_hint"), value: () => splitRefs(input.value) };
  }

  function dateInput(value, name) {
    return h("input", {
      type: "text", id: nid("f"), value: value || "", "data-name": name, inputmode: "numeric",
      placeholder: "YYYY-MM-DD", maxlength: "10", autocomplete: "off", spellcheck: "false", class: "date",
    });
  }

  function effField(d) {
    const from = dateInput(d.effective_from, "effective_from");
    const until = dateInput(d.effective_until, "effective_until");
    const node = h("fieldset", { class: "pair dates" }, h("legend", { t: "eff_legend" }),
      h("div", { class: "cols" }, field("f_eff_from", from, "date_hint"), field("f_eff_until", until, "date_hint")));
    return {
      node,
      value() {
        const out = {};
        if (from.value.trim()) out.effective_from = from.value.trim();
        if (until.value.trim()) out.effective_until = until.value.trim();
        return out;
      },
    };
  }

  // Users' words for an item, one per line in each language: searched, never shown.
  function aliasesField(d) {
    const p = pair("f_aliases", d.aliases, { rows: 4, join: true, name: "aliases" });
    p.node.append(h("p", { class: "hint", t: "aliases_hint" }));
    return {
      node: p.node,
      value() {
        const v = { zh: lines(p.zh.value), en: lines(p.en.value) };
        return v.zh.length || v.en.length || d.aliases ? { aliases: v } : {};
      },
    };
  }

  // ---------------------------------------------------------------- forms per kind
  function faqForm(d, isNew) {
    const slug = slugField(d.slug, isNew);
    const q = pair("f_question", d.question, { rows: 3, name: "question" });
    const a = pair("f_answer", d.answer, { rows: 8, name: "answer" });
    const refs = refsField(d.source_refs);
    const aliases = aliasesField(d);
    const eff = effField(d);
    return {
      node: h("div", { class: "form" }, slug.node, q.node, a.node, refs.node, aliases.node, eff.node),
      slugInput: slug.input,
      lockSlug: slug.lock,
      collect() {
        return Object.assign(
          { slug: slug.input.value.trim(), question: q.value(), answer: a.value(), source_refs: refs.value() },
          aliases.value(),
          eff.value()
        );
      },
    };
  }

  function documentForm(d, isNew) {
    const slug = slugField(d.slug, isNew);
    const title = pair("f_title", d.title, { name: "title", wrap: true });
    const langSel = selectEl(nid("f"), [["zh", "lang_zh"], ["en", "lang_en"]], d.lang === "en" ? "en" : "zh");
    const text = h("textarea", { id: nid("f"), rows: 16, value: d.text || "", lang: htmlLang(d.lang), "data-name": "text" });
    const refs = refsField(d.source_refs);
    const aliases = aliasesField(d);
    const file = d.filename ? h("p", { class: "hint", t: ["f_filename", { name: d.filename }] }) : null;
    return {
      node: h("div", { class: "form" }, slug.node, title.node, field("f_doc_lang", langSel), file, field("f_doc_text", text), refs.node, aliases.node),
      slugInput: slug.input,
      lockSlug: slug.lock,
      collect() {
        const out = { slug: slug.input.value.trim(), title: title.value(), text: text.value, lang: langSel.value, source_refs: refs.value() };
        if (d.filename !== undefined) out.filename = d.filename;
        return Object.assign(out, aliases.value());
      },
    };
  }

  function guideForm(d, isNew) {
    const base = d || {};
    const slug = slugField(base.slug, isNew);
    const title = pair("f_title", base.title, { name: "title", wrap: true });
    const url = urlArea(base.source_url, "source_url");
    const sname = pair("f_source_name", base.source_name, { name: "source_name", wrap: true });
    const official = h("input", { type: "checkbox", id: nid("f"), checked: base.source_official !== false, "data-name": "source_official" });
    const checked = dateInput(base.last_checked, "last_checked");
    const refs = refsField(base.source_refs);
    const aliases = aliasesField(base);
    const eff = effField(base);

    // other_sources: a small repeatable form
    const osList = h("div", { class: "os-list" });
    const osEmpty = h("p", { class: "hint", t: "no_other_sources" });
    const osRows = [];
    const node = h("div", { class: "form" });
    const changed = () => node.dispatchEvent(new Event("input", { bubbles: true }));

    function renumber() {
      osRows.forEach((r, i) => setT(r.legend, ["other_n", { n: i + 1 }]));
      osEmpty.hidden = osRows.length > 0;
    }

    function addSource(key, src) {
      src = src || {};
      const k = textInput(key, { lang: "en", spellcheck: "false", "data-name": "os.key" });
      const u = urlArea(src.url, "os.url");
      const nm = pair("os_name", src.name, { wrap: true });
      const off = h("input", { type: "checkbox", id: nid("f"), checked: src.official !== false });
      const legend = h("legend");
      const row = { key: k, url: u, name: nm, official: off, hadOfficial: "official" in src, legend };
      const remove = h("button", { type: "button", class: "secondary small", t: "os_remove" });
      row.node = h("fieldset", { class: "os-row" }, legend,
        h("div", { class: "cols" }, field("os_key", k), field("os_url", u)),
        nm.node,
        h("div", { class: "row between" },
          h("div", { class: "check" }, off, h("label", { for: off.id, t: "os_official" })),
          remove));
      remove.addEventListener("click", () => {
        osRows.splice(osRows.indexOf(row), 1);
        row.node.remove();
        renumber();
        refreshSources();
        changed();
        addBtn.focus();
      });
      k.addEventListener("input", refreshSources);
      osRows.push(row);
      osList.append(row.node);
      renumber();
    }

    const addBtn = h("button", { type: "button", class: "secondary", t: "os_add" });
    addBtn.addEventListener("click", () => {
      const used = new Set(osRows.map((r) => r.key.value.trim()));
      let n = osRows.length + 1;
      while (used.has("source-" + n)) n++;
      addSource("source-" + n, {});
      refreshSources();
      changed();
      osRows[osRows.length - 1].url.focus();
    });
    Object.entries(base.other_sources || {}).forEach(([k, v]) => addSource(k, v));

    function sourceKeys() {
      return osRows.map((r) => r.key.value.trim()).filter(Boolean);
    }

    // fields
    const fieldCtls = [];
    const sourceSelects = [];

    function fillSelect(sel, value) {
      const keys = sourceKeys();
      sel.replaceChildren(h("option", { value: "", t: "src_main" }));
      keys.forEach((k) => sel.append(h("option", { value: k, text: k })));
      if (value && !keys.includes(value)) sel.append(h("option", { value, t: ["src_missing", { key: value }] }));
      sel.value = value || "";
    }

    function refreshSources() {
      sourceSelects.forEach((sel) => fillSelect(sel, sel.value));
    }

    const fieldsBox = h("div", { class: "guide-fields" });
    const fdata = base.fields || {};
    for (const [name, type] of FIELDS) {
      const v = fdata[name] || {};
      const p = pair("fl_" + name, v, { rows: type === "list" ? 6 : 3, join: type === "list", name: "fields." + name });
      const sel = h("select", { id: nid("f"), "data-name": `fields.${name}.source` });
      fillSelect(sel, v.source || "");
      sourceSelects.push(sel);
      const extra = [];
      let urlIn = null;
      if (type === "online") {
        urlIn = urlArea(v.url, "fields.online.url");
        extra.push(field("f_online_url", urlIn));
      }
      let counter = null;
      if (type === "list") {
        counter = h("p", { class: "hint count" });
        const count = () => {
          const zh = lines(p.zh.value).length;
          const en = lines(p.en.value).length;
          setT(counter, [zh === en ? "list_count" : "list_mismatch", { zh, en }]);
          counter.classList.toggle("warn", zh !== en);
        };
        p.zh.addEventListener("input", count);
        p.en.addEventListener("input", count);
        count();
        p.node.append(h("p", { class: "hint", t: "list_hint" }), counter);
      }
      p.node.append(...extra, h("div", { class: "field inline" }, h("label", { for: sel.id, t: "field_source" }), sel));
      p.node.classList.add("gfield");
      fieldsBox.append(p.node);
      fieldCtls.push({ name, type, p, sel, urlIn, had: fdata[name] || null });
    }

    node.append(
      h("section", { class: "sec" }, h("h3", { t: "sec_basics" }),
        slug.node, title.node, field("f_source_url", url), sname.node,
        h("div", { class: "cols" },
          h("div", { class: "check" }, official, h("label", { for: official.id, t: "f_source_official" })),
          field("f_last_checked", checked, "date_hint")),
        refs.node, aliases.node, eff.node),
      h("section", { class: "sec" }, h("h3", { t: "other_sources" }), osEmpty, osList, addBtn),
      h("section", { class: "sec" }, h("h3", { t: "sec_fields" }), h("p", { class: "hint", t: "fields_hint" }), fieldsBox)
    );
    renumber();

    return {
      node,
      slugInput: slug.input,
      lockSlug: slug.lock,
      collect() {
        const out = { slug: slug.input.value.trim(), title: title.value() };
        if (url.value.trim()) out.source_url = url.value.trim();
        const sn = sname.value();
        if (sn.zh || sn.en || base.source_name) out.source_name = sn;
        if (!official.checked || "source_official" in base) out.source_official = official.checked;
        if (checked.value.trim()) out.last_checked = checked.value.trim();
        const os = {};
        osRows.forEach((r, i) => {
          let key = r.key.value.trim() || "source-" + (i + 1);
          while (key in os) key += "-" + (i + 1);
          const src = { url: r.url.value.trim(), name: r.name.value() };
          if (!r.official.checked || r.hadOfficial) src.official = r.official.checked;
          os[key] = src;
        });
        if (Object.keys(os).length || base.other_sources) out.other_sources = os;
        out.source_refs = refs.value();
        const fields = {};
        for (const f of fieldCtls) {
          let v;
          if (f.type === "list") v = { zh: lines(f.p.zh.value), en: lines(f.p.en.value) };
          else v = { zh: f.p.zh.value, en: f.p.en.value };
          const empty = f.type === "list" ? !v.zh.length && !v.en.length : !v.zh.trim() && !v.en.trim();
          const urlV = f.urlIn ? f.urlIn.value.trim() : "";
          if (empty && !urlV) continue;
          if (f.sel.value) v.source = f.sel.value;
          if (f.urlIn && (urlV || (f.had && "url" in f.had))) v.url = urlV;
          fields[f.name] = v;
        }
        out.fields = fields;
        Object.assign(out, aliases.value(), eff.value());
        return out;
      },
    };
  }

  function buildForm(kind, data, isNew) {
    if (kind === "faq") return faqForm(data || {}, isNew);
    if (kind === "guide") return guideForm(data || {}, isNew);
    return documentForm(data || {}, isNew);
  }

  function blankData(kind) {
    if (kind === "faq") return { slug: "", question: { zh: "", en: "" }, answer: { zh: "", en: "" }, source_refs: [] };
    return { slug: "", title: { zh: "", en: "" }, source_refs: [], fields: {} };
  }

  // A stored version, read-only: a definition list with labelled keys.
  function renderData(v) {
    if (Array.isArray(v)) {
      if (!v.length) return h("span", { class: "muted", text: "—" });
      return h("ol", { class: "data-list" }, v.map((x) => h("li", null, renderData(x))));
    }
    if (v && typeof v === "object") {
      const keys = Object.keys(v).sort((a, b) => {
        const order = ["slug", "question", "title", "answer", "zh", "en"];
        const ia = order.indexOf(a);
        const ib = order.indexOf(b);
        return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
      });
      return h("dl", { class: "data" }, keys.map((k) => [
        h("dt", KEY_LABELS[k] ? { t: KEY_LABELS[k] } : { text: k }),
        h("dd", k === "zh" ? { lang: "zh-CN" } : k === "en" ? { lang: "en" } : null, renderData(v[k])),
      ]));
    }
    return h("span", { class: "val", text: v === null || v === undefined ? "—" : String(v) });
  }

  function twoStep(btn, confirmKey, run) {
    let armed = false;
    let timer = null;
    const key = btn.dataset.i18n;
    btn.addEventListener("click", () => {
      if (!armed) {
        armed = true;
        setT(btn, confirmKey);
        btn.classList.add("armed");
        timer = setTimeout(() => {
          armed = false;
          setT(btn, key);
          btn.classList.remove("armed");
        }, 6000);
        return;
      }
      clearTimeout(timer);
      armed = false;
      setT(btn, key);
      btn.classList.remove("armed");
      run();
    });
    return btn;
  }

  // ---------------------------------------------------------------- views: login
  function viewLogin() {
    const msgs = msgArea();
    if (pendingNotice) {
      showText(msgs, pendingNotice[0], pendingNotice[1]);
      pendingNotice = null;
    }
    const user = h("input", { type: "text", id: "login-user", name: "username", autocomplete: "username", autocapitalize: "none", spellcheck: "false", autofocus: true });
    const pass = h("input", { type: "password", id: "login-pass", name: "password", autocomplete: "current-password" });
    const btn = h("button", { type: "submit", class: "primary", t: "login_btn" });
    const form = h("form", { class: "login-form", novalidate: true },
      field("username", user), field("password", pass), h("div", { class: "row" }, btn));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!user.value.trim() || !pass.value) {
        showText(msgs, "err", "login_need");
        (user.value.trim() ? pass : user).focus();
        return;
      }
      btn.disabled = true;
      setT(btn, "logging_in");
      try {
        const r = await api("POST", "/auth/login", { username: user.value.trim(), password: pass.value });
        me = { username: r.username, role: r.role };
        updateChrome();
        const target = returnTo && returnTo !== "#/login" ? returnTo : "#/entries";
        returnTo = "";
        location.hash = target;
      } catch (err) {
        if (err.status === 401) err.lead = "lead_login";
        showError(msgs, err);
        pass.select();
      } finally {
        btn.disabled = false;
        setT(btn, "login_btn");
      }
    });
    return h("section", { class: "view login" },
      h("div", { class: "card narrow" },
        h("h2", { tabindex: "-1", t: "login_title" }),
        h("p", { class: "muted", t: "login_hint" }),
        msgs, form));
  }

  // ---------------------------------------------------------------- views: entries
  const listState = { q: "", status: "", kind: "", limit: 50 };

  function viewEntries() {
    const msgs = msgArea();
    const q = h("input", { type: "search", id: "f-q", value: listState.q, tattr: { placeholder: "search_ph" }, lang: htmlLang(lang) });
    const st = selectEl("f-status", [["", "all_statuses"], ...STATUSES.map((s) => [s, "status_" + s])], listState.status);
    const kd = selectEl("f-kind", [["", "all_kinds"], ...KINDS.map((k) => [k, "kind_" + k])], listState.kind);
    const tbody = h("tbody");
    const count = h("p", { class: "muted count", role: "status" });
    const more = h("button", { type: "button", class: "secondary", t: "load_more", hidden: true });
    let offset = 0;
    let seq = 0;

    const headCell = (key) => h("th", { scope: "col", t: key });
    const cell = (labelKey, ...kids) => h("td", { tattr: { "data-label": labelKey } }, h("div", { class: "cv" }, kids));

    function row(e) {
      const hasLocal = !!readDraft(draftKey(e.slug));
      return h("tr", null,
        cell("col_title",
          h("a", { href: "#/edit/" + enc(e.slug), class: "title-link", bi: [e.title, "untitled"] }),
          hasLocal ? h("span", { class: "badge local", t: "local_draft_badge" }) : null),
        cell("col_slug", h("code", { text: e.slug })),
        cell("col_kind", badge("kind", e.kind)),
        cell("col_status", badge("status", e.status)),
        cell("col_version", h("span", { text: "v" + e.version }),
          e.published_version && e.published_version !== e.version
            ? [" ", h("span", { class: "muted", t: ["live_v", { v: e.published_version }] })] : null),
        cell("col_updated", h("time", { datetime: e.updated, text: fmtTime(e.updated) })));
    }

    async function load(append) {
      const my = ++seq;
      if (!append) offset = 0;
      const params = new URLSearchParams({ limit: String(listState.limit), offset: String(offset) });
      if (listState.q) params.set("q", listState.q);
      if (listState.status) params.set("status", listState.status);
      if (listState.kind) params.set("kind", listState.kind);
      try {
        const r = await api("GET", "/entries?" + params);
        if (my !== seq) return;
        msgs.replaceChildren();
        if (!append) tbody.replaceChildren();
        r.entries.forEach((e) => tbody.append(row(e)));
        offset += r.entries.length;
        if (!tbody.children.length) tbody.append(h("tr", { class: "empty" }, h("td", { colspan: "6", t: "no_entries" })));
        setT(count, ["n_entries", { n: offset }]);
        more.hidden = r.entries.length < listState.limit;
      } catch (err) {
        if (my === seq) showError(msgs, err);
      }
    }

    let timer = null;
    q.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        listState.q = q.value.trim();
        load(false);
      }, 300);
    });
    st.addEventListener("change", () => {
      listState.status = st.value;
      load(false);
    });
    kd.addEventListener("change", () => {
      listState.kind = kd.value;
      load(false);
    });
    more.addEventListener("click", () => load(true));
    const form = h("form", { class: "filters", role: "search" },
      field("search", q), field("filter_status", st), field("filter_kind", kd),
      h("div", { class: "field btn-field" }, h("button", { type: "submit", class: "secondary", t: "apply" })));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      listState.q = q.value.trim();
      load(false);
    });
    leaveHook = () => clearTimeout(timer);
    load(false);
    const canNew = can("editor");
    return h("section", { class: "view" },
      h("div", { class: "view-head" },
        h("h2", { tabindex: "-1", t: "entries_title" }),
        canNew ? h("div", { class: "row" },
          h("a", { class: "button primary", href: "#/new/faq", t: "new_faq" }),
          h("a", { class: "button secondary", href: "#/new/guide", t: "new_guide" })) : null),
      form, msgs, count,
      h("div", { class: "table-wrap" },
        h("table", { class: "entries" },
          h("caption", { class: "vh", t: "entries_caption" }),
          h("thead", null, h("tr", null, ["col_title", "col_slug", "col_kind", "col_status", "col_version", "col_updated"].map(headCell))),
          tbody)),
      h("div", { class: "row" }, more));
  }

  // ---------------------------------------------------------------- views: editor
  async function viewEditor(slug, newKind) {
    const isNew = !slug;
    const server = isNew ? null : await api("GET", "/entries/" + enc(slug));
    const kind = isNew ? newKind : server.kind;
    const ed = {
      isNew,
      slug: isNew ? "" : server.slug,
      version: server ? server.version : null,
      serverVersion: server ? server.version : null,
      status: server ? server.status : "draft",
      published: server ? server.published_version : null,
    };
    const baseData = server ? server.data : blankData(kind);
    let dkey = draftKey(isNew ? "new:" + kind : ed.slug);

    const msgs = msgArea();
    const notices = h("div", { class: "notices" });
    const formHost = h("div", { class: "form-host" });
    let form = buildForm(kind, baseData, isNew);
    let savedSnapshot = canon(form.collect());

    const local = readDraft(dkey);
    if (local && local.kind === kind) {
      const lc = canon(local.data);
      if (lc === savedSnapshot || lc === canon(baseData)) {
        removeDraft(dkey);
      } else {
        form = buildForm(kind, local.data, isNew);
        if (!isNew && local.version) ed.version = local.version;
        const when = fmtTime(new Date(local.at || Date.now()).toISOString());
        const discard = h("button", { type: "button", class: "secondary small", id: "discard-local", t: "discard_local" });
        twoStep(discard, "confirm_discard", () => {
          removeDraft(dkey);
          form = buildForm(kind, baseData, isNew);
          formHost.replaceChildren(form.node);
          autosizeAll();
          ed.version = ed.serverVersion;
          savedSnapshot = canon(form.collect());
          notices.replaceChildren();
          applyLang();
          refresh();
          schedulePreview(0);
        });
        notices.append(h("div", { class: "msg info", role: "status" },
          h("p", { t: isNew ? ["restored_new", { time: when }] : ["restored", { time: when, v: local.version }] }),
          !isNew && local.version && local.version < ed.serverVersion
            ? h("p", { t: ["restored_stale", { n: ed.serverVersion }] }) : null,
          h("div", { class: "row" }, discard)));
      }
    }
    formHost.append(form.node);

    const isDirty = () => canon(form.collect()) !== savedSnapshot;

    function persist() {
      const data = form.collect();
      if (canon(data) === savedSnapshot) removeDraft(dkey);
      else writeDraft(dkey, { kind, version: ed.version, data, at: Date.now() });
    }

    // -- head
    const head = h("div", { class: "ed-head" });
    function renderHead() {
      const dirty = isDirty();
      head.replaceChildren(...[
        h("div", { class: "view-head" },
          h("h2", { tabindex: "-1", id: "editor-h" },
            ed.isNew ? h("span", { t: kind === "faq" ? "new_faq" : "new_guide" })
              : [h("span", { t: "edit_h" }), " ", h("code", { class: "slug", text: ed.slug })]),
          h("div", { class: "row links" },
            h("a", { href: "#/entries", t: "back_list" }),
            ed.isNew ? null : h("a", { href: "#/history/" + enc(ed.slug), t: "history" }))),
        h("p", { class: "meta" },
          badge("kind", kind),
          ed.isNew ? null : [badge("status", ed.status), h("span", { t: ["version_n", { v: ed.version }] }),
            ed.published ? h("span", { t: ["live_version", { v: ed.published }] }) : h("span", { t: "not_live" })],
          h("span", { class: dirty ? "state dirty" : "state clean", t: dirty ? "dirty" : "clean" })),
        ed.status === "archived" ? h("p", { class: "msg info", t: "archived_note" }) : null,
        ed.published && ed.status !== "published" && ed.status !== "archived"
          ? h("p", { class: "hint", t: ["live_kept", { v: ed.published }] }) : null,
      ].filter(Boolean));
    }

    // -- actions
    const saveBtn = h("button", { type: "button", class: "primary", id: "save", t: "save" });
    const submitBtn = h("button", { type: "button", class: "secondary", id: "submit", t: "submit" });
    const publishBtn = h("button", { type: "button", class: "primary", id: "publish", t: "publish" });
    const archiveBtn = h("button", { type: "button", class: "danger", id: "archive", t: "archive" });
    const rejectText = h("textarea", { id: "reject-comment", rows: 3 });
    const rejectBtn = h("button", { type: "button", class: "danger", id: "reject", t: "reject" });
    const reviewBox = h("section", { class: "review-box sec" },
      h("h3", { t: "review_box" }), field("reject_label", rejectText), h("div", { class: "row" }, rejectBtn));
    const roleNote = h("p", { class: "hint", t: "reviewer_only" });
    const actionBtns = [saveBtn, submitBtn, publishBtn, archiveBtn, rejectBtn];

    function busy(on) {
      actionBtns.forEach((b) => (b.disabled = on));
    }

    function refresh() {
      renderHead();
      const reviewer = can("reviewer");
      const dirty = isDirty();
      submitBtn.hidden = ed.status === "archived" || !(ed.isNew || dirty || ed.status === "draft");
      publishBtn.hidden = !(reviewer && !ed.isNew && ed.status === "in_review");
      archiveBtn.hidden = !(reviewer && !ed.isNew && ["draft", "in_review", "published"].includes(ed.status));
      reviewBox.hidden = !(reviewer && !ed.isNew && ed.status === "in_review");
      roleNote.hidden = reviewer || ed.isNew || ed.status !== "in_review";
      applyLang();
    }

    async function save() {
      const data = form.collect();
      persist();
      if (ed.isNew && !SLUG_RE.test(data.slug || "")) {
        showText(msgs, "err", "slug_invalid");
        form.slugInput.focus();
        return false;
      }
      busy(true);
      setT(saveBtn, "saving");
      try {
        if (ed.isNew) {
          const r = await api("POST", "/entries", Object.assign({ kind }, data));
          removeDraft(dkey);
          ed.isNew = false;
          ed.slug = r.slug;
          ed.version = ed.serverVersion = r.version;
          ed.status = r.status;
          dkey = draftKey(ed.slug);
          form.lockSlug();
          history.replaceState(null, "", "#/edit/" + enc(ed.slug));
          showText(msgs, "ok", "created_v", { slug: r.slug, v: r.version });
        } else {
          const r = await api("PUT", "/entries/" + enc(ed.slug), Object.assign({ kind }, data, { version: ed.version }));
          ed.version = ed.serverVersion = r.version;
          ed.status = r.status;
          ed.published = r.published_version;
          showText(msgs, "ok", "saved_v", { v: r.version });
        }
        savedSnapshot = canon(data);
        persist(); // anything typed while the request was on its way stays kept
        compareBox.hidden = true;
        compareBox.replaceChildren();
        notices.replaceChildren();
        return true;
      } catch (err) {
        if (err.status === 409 && !ed.isNew) showConflict(err);
        else showError(msgs, err);
        return false;
      } finally {
        busy(false);
        setT(saveBtn, "save");
        refresh();
      }
    }

    async function act(action, body) {
      busy(true);
      try {
        const r = await api("POST", `/entries/${enc(ed.slug)}/${action}`, body);
        ed.status = r.status;
        ed.version = ed.serverVersion = r.version;
        ed.published = r.published_version;
        showText(msgs, "ok", "done_" + action, { v: r.version });
        if (action === "reject") rejectText.value = "";
        return true;
      } catch (err) {
        showError(msgs, err);
        return false;
      } finally {
        busy(false);
        refresh();
      }
    }

    saveBtn.addEventListener("click", save);
    submitBtn.addEventListener("click", async () => {
      if (ed.isNew || isDirty()) {
        if (!(await save())) return;
      }
      act("submit");
    });
    publishBtn.addEventListener("click", () => {
      if (isDirty()) return showText(msgs, "err", "publish_dirty");
      act("publish");
    });
    twoStep(archiveBtn, "confirm_archive", () => act("archive"));
    rejectBtn.addEventListener("click", () => {
      if (!rejectText.value.trim()) {
        showText(msgs, "err", "reject_need");
        rejectText.focus();
        return;
      }
      act("reject", { comment: rejectText.value.trim() });
    });

    // -- conflict: keep the text, offer their version beside it
    const compareBox = h("section", { class: "compare", hidden: true, "aria-labelledby": "compare-h" });

    function showConflict(err) {
      const current = err.body && err.body.current_version;
      const load = h("button", { type: "button", class: "secondary", id: "load-theirs", t: "load_theirs" });
      load.addEventListener("click", () => loadTheirs(load));
      showError(msgs, err, h("p", { t: "conflict_kept" }), h("div", { class: "row" }, load));
      if (current) ed.conflictVersion = current;
    }

    async function loadTheirs(btn) {
      btn.disabled = true;
      try {
        const r = await api("GET", `/entries/${enc(ed.slug)}/versions`);
        const last = r.versions[r.versions.length - 1];
        const over = h("button", { type: "button", class: "primary", id: "save-over", t: ["save_over", { v: last.version }] });
        over.addEventListener("click", () => {
          ed.version = last.version;
          persist();
          save();
        });
        const close = h("button", { type: "button", class: "secondary", t: "close_compare" });
        close.addEventListener("click", () => {
          compareBox.hidden = true;
          btn.focus();
        });
        compareBox.replaceChildren(
          h("h3", { id: "compare-h", tabindex: "-1", t: ["theirs_title", { v: last.version }] }),
          h("p", { class: "meta", t: ["theirs_meta", { who: last.author, time: fmtTime(last.created) }] }),
          h("p", { class: "hint", t: "theirs_hint" }),
          h("div", { class: "theirs" }, renderData(last.data)),
          h("div", { class: "row" }, over, close));
        compareBox.hidden = false;
        applyLang();
        $("#compare-h").focus();
      } catch (err) {
        showError(msgs, err);
      } finally {
        btn.disabled = false;
      }
    }

    // -- preview
    const pvQ = h("input", { type: "text", id: "pv-q" });
    const pvStatus = h("p", { class: "pv-status hint", role: "status", t: "pv_idle" });
    const pvProblems = h("div", { class: "pv-problems", id: "pv-problems" });
    const pvZh = h("div", { class: "answer", id: "pv-zh", lang: "zh-CN" });
    const pvEn = h("div", { class: "answer", id: "pv-en", lang: "en" });
    let pvTimer = null;
    let pvSeq = 0;

    function schedulePreview(delay) {
      clearTimeout(pvTimer);
      pvTimer = setTimeout(runPreview, delay === undefined ? 700 : delay);
    }

    async function runPreview() {
      const my = ++pvSeq;
      setT(pvStatus, "pv_updating");
      pvStatus.classList.add("busy");
      try {
        const r = await api("POST", "/entries/preview", { kind, data: form.collect(), question: pvQ.value.trim().slice(0, 2000) });
        if (my !== pvSeq) return;
        const problems = r.problems || [];
        pvProblems.replaceChildren(problems.length
          ? h("div", { class: "msg err" }, h("h4", { t: "pv_problems" }),
              h("ul", null, problems.map((p) => h("li", { lang: "en", text: p }))))
          : h("p", { class: "msg ok", t: "pv_ok" }));
        const ans = r.answers || {};
        for (const [box, l] of [[pvZh, "zh"], [pvEn, "en"]]) {
          if (ans[l]) {
            delete box.dataset.i18n;
            delete box.dataset.i18nArgs;
            box.textContent = ans[l];
            box.classList.remove("empty");
            box.lang = htmlLang(l);
          } else {
            setT(box, "pv_no_answer");
            box.classList.add("empty");
            box.lang = htmlLang(lang);
          }
        }
        setT(pvStatus, ["pv_updated", { time: new Date().toLocaleTimeString("en-GB") }]);
      } catch (err) {
        if (my !== pvSeq) return;
        const box = msgArea();
        showError(box, err);
        pvProblems.replaceChildren(box);
        setT(pvStatus, "pv_idle");
      } finally {
        if (my === pvSeq) pvStatus.classList.remove("busy");
      }
    }
    pvQ.addEventListener("input", () => schedulePreview());

    // -- wiring
    let headTimer = null;
    const onEdit = () => {
      persist();
      clearTimeout(headTimer);
      headTimer = setTimeout(refresh, 150);
      schedulePreview();
    };
    formHost.addEventListener("input", onEdit);
    formHost.addEventListener("change", onEdit);
    const onUnload = () => persist();
    window.addEventListener("pagehide", onUnload);
    leaveHook = () => {
      persist();
      clearTimeout(pvTimer);
      clearTimeout(headTimer);
      pvSeq++;
      window.removeEventListener("pagehide", onUnload);
    };

    refresh();
    schedulePreview(50);

    const aside = h("aside", { class: "preview", "aria-labelledby": "pv-h" },
      compareBox,
      h("section", { class: "pv" },
        h("h3", { id: "pv-h", t: "preview_title" }),
        field("preview_q", pvQ),
        pvStatus,
        pvProblems,
        h("div", { class: "answers" },
          h("div", { class: "ans" }, h("h4", { t: "pv_answer_zh" }), pvZh),
          h("div", { class: "ans" }, h("h4", { t: "pv_answer_en" }), pvEn))));
    const actions = h("div", { class: "actions", role: "group", "aria-labelledby": "editor-h" },
      msgs,
      h("div", { class: "row" }, saveBtn, submitBtn, publishBtn, archiveBtn),
      roleNote);
    const view = h("section", { class: "view editor", "data-kind": kind },
      head,
      h("div", { class: "ed-grid" },
        h("div", { class: "ed-main" }, actions, notices, formHost, reviewBox),
        aside));
    // Ctrl+S / ⌘+S saves, as in any editor (instead of the browser saving the page)
    view.addEventListener("keydown", (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === "s") {
        ev.preventDefault();
        if (!saveBtn.disabled) save();
      }
    });
    return view;
  }

  // ---------------------------------------------------------------- views: review
  // The entry's content, loaded when the disclosure is first opened.
  function contentBox(slug) {
    const body = h("div", { class: "theirs" }, h("p", { class: "loading", t: "loading" }));
    const box = h("details", { class: "content" }, h("summary", { t: "show_content" }), body);
    let loaded = false;
    box.addEventListener("toggle", async () => {
      if (!box.open || loaded) return;
      loaded = true;
      try {
        const r = await api("GET", "/entries/" + enc(slug));
        body.replaceChildren(renderData(r.data));
      } catch (err) {
        loaded = false;
        showError(body, err);
      }
      applyLang();
    });
    return box;
  }

  async function viewReview() {
    const r = await api("GET", "/entries?status=in_review&limit=200");
    const reviewer = can("reviewer");
    const list = h("div", { class: "cards" });
    if (!r.entries.length) list.append(h("p", { class: "muted", t: "review_empty" }));
    for (const e of r.entries) {
      const msgs = msgArea();
      const actions = h("div", { class: "card-actions" });
      const card = h("article", { class: "card", "data-slug": e.slug },
        h("h3", null, h("a", { href: "#/edit/" + enc(e.slug), bi: [e.title, "untitled"] })),
        h("p", { class: "meta" }, h("code", { text: e.slug }), badge("kind", e.kind), h("span", { t: ["version_n", { v: e.version }] }),
          h("span", { t: ["by_author", { who: e.author }] }),
          h("span", { t: ["updated_at", { time: fmtTime(e.updated) }] })),
        h("p", { class: "row links" },
          h("a", { href: "#/edit/" + enc(e.slug), t: "open_editor" }),
          e.published_version ? h("a", { href: "#/history/" + enc(e.slug), t: "compare_live" }) : null),
        contentBox(e.slug), msgs, actions);
      if (reviewer) {
        const pub = h("button", { type: "button", class: "primary", t: "publish" });
        const comment = h("textarea", { id: nid("rej"), rows: 2 });
        const rej = h("button", { type: "button", class: "danger", t: "reject" });
        const done = async (action, body) => {
          pub.disabled = rej.disabled = true;
          try {
            const res = await api("POST", `/entries/${enc(e.slug)}/${action}`, body);
            showText(msgs, "ok", "done_" + action, { v: res.version });
            actions.replaceChildren();
            card.classList.add("done");
          } catch (err) {
            showError(msgs, err);
            pub.disabled = rej.disabled = false;
          }
        };
        pub.addEventListener("click", () => done("publish"));
        rej.addEventListener("click", () => {
          if (!comment.value.trim()) {
            showText(msgs, "err", "reject_need");
            comment.focus();
            return;
          }
          done("reject", { comment: comment.value.trim() });
        });
        actions.append(
          h("div", { class: "row" }, pub),
          h("div", { class: "reject-area" }, field("reject_label", comment), h("div", { class: "row" }, rej)));
      } else {
        actions.append(h("p", { class: "hint", t: "reviewer_only" }));
      }
      list.append(card);
    }
    return h("section", { class: "view" }, h("h2", { tabindex: "-1", t: "review_title" }), list);
  }

  // ---------------------------------------------------------------- views: history
  async function viewHistory(slug) {
    const [entry, vr] = await Promise.all([
      api("GET", "/entries/" + enc(slug)),
      api("GET", `/entries/${enc(slug)}/versions`),
    ]);
    const versions = vr.versions;
    const msgs = msgArea();
    const reviewer = can("reviewer");
    const tbody = h("tbody");
    const diffBox = h("div", { class: "diff-box", "aria-live": "polite" });

    function renderRows(list) {
      tbody.replaceChildren(...list.slice().reverse().map((v) => {
        const cell = (labelKey, ...kids) => h("td", { tattr: { "data-label": labelKey } }, h("div", { class: "cv" }, kids));
        let action = null;
        if (reviewer && !v.live) {
          const b = h("button", { type: "button", class: "secondary small", t: "restore", "data-version": String(v.version) });
          twoStep(b, "confirm_restore", async () => {
            b.disabled = true;
            try {
              const r = await api("POST", `/entries/${enc(slug)}/restore`, { version: v.version });
              showText(msgs, "ok", "done_restore", { from: v.version, v: r.version });
              const fresh = await api("GET", `/entries/${enc(slug)}/versions`);
              renderRows(fresh.versions);
              fillSelects(fresh.versions);
              applyLang();
            } catch (err) {
              showError(msgs, err);
              b.disabled = false;
            }
          });
          action = b;
        }
        return h("tr", v.live ? { class: "live" } : null,
          cell("col_version", h("span", { text: "v" + v.version }), v.live ? [" ", h("span", { class: "badge live", t: "live_badge" })] : null),
          cell("col_saved_status", badge("status", v.status)),
          cell("col_author", v.author),
          cell("col_comment", v.comment ? h("span", { lang: "en", text: v.comment }) : "—"),
          cell("col_created", h("time", { datetime: v.created, text: fmtTime(v.created) })),
          cell("col_action", action || "—"));
      }));
    }

    const from = h("select", { id: "diff-from" });
    const to = h("select", { id: "diff-to" });
    function fillSelects(list) {
      const nums = list.map((v) => v.version);
      for (const sel of [from, to]) {
        sel.replaceChildren(...nums.map((n) => h("option", { value: String(n), t: ["version_n", { v: n }] })));
      }
      const last = nums[nums.length - 1];
      const live = list.find((v) => v.live);
      const base = live && live.version !== last ? live.version : nums.length > 1 ? nums[nums.length - 2] : last;
      from.value = String(base);
      to.value = String(last);
    }

    async function showDiff() {
      try {
        const r = await api("GET", `/entries/${enc(slug)}/diff?from=${enc(from.value)}&to=${enc(to.value)}`);
        if (!r.diff) {
          diffBox.replaceChildren(h("p", { class: "msg info", t: "diff_same" }));
        } else {
          const pre = h("pre", { class: "diff", tabindex: "0", tattr: { "aria-label": "diff_title" } });
          r.diff.split("\n").forEach((line) => {
            let cls = "ctx";
            if (line.startsWith("+++") || line.startsWith("---")) cls = "file";
            else if (line.startsWith("@@")) cls = "hunk";
            else if (line.startsWith("+")) cls = "add";
            else if (line.startsWith("-")) cls = "del";
            pre.append(h("span", { class: "dl " + cls, text: line || " " }));
          });
          diffBox.replaceChildren(h("p", { class: "hint", t: "diff_legend" }), pre);
        }
        applyLang();
      } catch (err) {
        showError(diffBox, err);
      }
    }

    renderRows(versions);
    fillSelects(versions);
    const diffForm = h("form", { class: "filters diff-form" },
      field("diff_from", from), field("diff_to", to),
      h("div", { class: "field btn-field" }, h("button", { type: "submit", class: "primary", t: "diff_btn" })));
    diffForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      showDiff();
    });
    if (versions.length > 1) showDiff();

    return h("section", { class: "view history" },
      h("div", { class: "view-head" },
        h("h2", { tabindex: "-1" }, h("span", { t: "history_title" }), " ", h("code", { class: "slug", text: slug })),
        h("div", { class: "row links" },
          h("a", { href: "#/edit/" + enc(slug), t: "back_editor" }),
          h("a", { href: "#/entries", t: "back_list" }))),
      h("p", { class: "meta" }, h("span", { class: "title-text", bi: [entry.title, "untitled"] }), badge("kind", entry.kind), badge("status", entry.status)),
      msgs,
      h("div", { class: "table-wrap" },
        h("table", { class: "versions" },
          h("caption", { class: "vh", t: "versions_caption" }),
          h("thead", null, h("tr", null, ["col_version", "col_saved_status", "col_author", "col_comment", "col_created", "col_action"].map((k) => h("th", { scope: "col", t: k })))),
          tbody)),
      h("section", { class: "sec" }, h("h3", { t: "diff_title" }), diffForm, diffBox));
  }

  // ---------------------------------------------------------------- views: unanswered queue
  async function viewQueue() {
    const r = await api("GET", "/queue");
    const list = h("div", { class: "cards" });
    if (!r.groups.length) list.append(h("p", { class: "muted", t: "queue_empty" }));
    for (const g of r.groups) {
      const msgs = msgArea();
      const qLang = htmlLang(g.lang);
      const btn = h("button", { type: "button", class: "primary", t: "create_from_q" });
      btn.addEventListener("click", async () => {
        btn.disabled = true;
        setT(btn, "creating");
        try {
          const res = await api("POST", `/queue/${enc(g.id)}/draft`);
          location.hash = "#/edit/" + enc(res.slug);
        } catch (err) {
          showError(msgs, err);
          btn.disabled = false;
          setT(btn, "create_from_q");
        }
      });
      const reasons = Object.entries(g.reasons || {}).map(([k, n]) =>
        I18N.zh["reason_" + k] ? h("span", { t: ["reason_" + k, { n }] }) : h("span", { text: `${k} ${n}` }));
      list.append(h("article", { class: "card", "data-group": String(g.id) },
        h("h3", { lang: qLang, text: g.question }),
        h("p", { class: "meta" },
          h("strong", { class: "count-badge", t: [g.count === 1 ? "asked_once" : "asked_n", { n: g.count }] }),
          reasons,
          g.lang ? h("span", { t: ["q_lang", { lang: { t: "lang_name_" + (g.lang === "en" ? "en" : "zh") } }] }) : null,
          h("span", { t: ["last_seen", { time: fmtTime(g.last_seen) }] })),
        g.examples && g.examples.length > 1
          ? h("div", { class: "examples" }, h("h4", { t: "examples" }),
              h("ul", null, g.examples.map((x) => h("li", { text: x }))))
          : null,
        msgs,
        h("div", { class: "row" }, btn)));
    }
    return h("section", { class: "view" },
      h("h2", { tabindex: "-1", t: "queue_title" }),
      h("p", { class: "muted", t: "queue_hint" }),
      list);
  }

  // ---------------------------------------------------------------- views: upload
  function viewUpload() {
    const msgs = msgArea();
    const file = h("input", { type: "file", id: "up-file", class: "file-input", accept: ".md,.markdown,.docx,.pdf" });
    const fileName = h("span", { class: "file-name", id: "up-file-name", t: "no_file" });
    file.setAttribute("aria-describedby", "up-file-name");
    file.addEventListener("change", () => {
      const f = file.files && file.files[0];
      if (f) {
        delete fileName.dataset.i18n;
        fileName.textContent = `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`;
      } else setT(fileName, "no_file");
    });
    const fileField = h("div", { class: "field" },
      h("label", { for: "up-file", t: "f_file" }),
      h("div", { class: "file-row" }, file,
        h("label", { for: "up-file", class: "button secondary file-btn", "aria-hidden": "true", t: "choose_file" }),
        fileName));
    const slug = textInput("", { id: "up-slug", lang: "en", spellcheck: "false", autocomplete: "off" });
    const titles = pair("f_doc_titles", {}, {});
    titles.zh.id = "up-title-zh";
    titles.en.id = "up-title-en";
    titles.node.querySelectorAll("label")[0].htmlFor = "up-title-zh";
    titles.node.querySelectorAll("label")[1].htmlFor = "up-title-en";
    const docLang = selectEl("up-lang", [["zh", "lang_zh"], ["en", "lang_en"]], "zh");
    const btn = h("button", { type: "submit", class: "primary", id: "up-send", t: "upload_btn" });
    const form = h("form", { class: "form upload-form", novalidate: true },
      fileField,
      field("f_slug", slug, "slug_hint"),
      titles.node,
      field("f_doc_lang", docLang),
      h("div", { class: "row" }, btn));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = file.files && file.files[0];
      if (!f) {
        showText(msgs, "err", "need_file");
        file.focus();
        return;
      }
      if (!SLUG_RE.test(slug.value.trim())) {
        showText(msgs, "err", "slug_invalid");
        slug.focus();
        return;
      }
      if (!titles.zh.value.trim() || !titles.en.value.trim()) {
        showText(msgs, "err", "need_titles");
        (titles.zh.value.trim() ? titles.en : titles.zh).focus();
        return;
      }
      if (f.size > MAX_UPLOAD) {
        showText(msgs, "err", "too_big_local", { name: f.name, mb: (f.size / 1048576).toFixed(1) });
        return;
      }
      const fd = new FormData();
      fd.append("file", f, f.name);
      fd.append("slug", slug.value.trim());
      fd.append("title_zh", titles.zh.value.trim());
      fd.append("title_en", titles.en.value.trim());
      fd.append("lang", docLang.value);
      btn.disabled = true;
      setT(btn, "uploading");
      try {
        const r = await api("POST", "/uploads", undefined, fd);
        showText(msgs, "ok", "uploaded", { slug: r.slug, n: r.chars },
          h("p", null, h("a", { href: "#/edit/" + enc(r.slug), t: "open_draft" })));
        form.reset();
        setT(fileName, "no_file");
      } catch (err) {
        if (err.status === 413 || err.status === 422) err.lead = "lead_upload_" + err.status;
        showError(msgs, err);
      } finally {
        btn.disabled = false;
        setT(btn, "upload_btn");
      }
    });
    return h("section", { class: "view" },
      h("div", { class: "card narrow wide" },
        h("h2", { tabindex: "-1", t: "upload_title" }),
        h("p", { class: "muted", t: "upload_hint" }),
        msgs, form));
  }

  // ---------------------------------------------------------------- views: audit (admin)
  async function viewAudit() {
    const r = await api("GET", "/audit?limit=200");
    const cell = (labelKey, ...kids) => h("td", { tattr: { "data-label": labelKey } }, h("div", { class: "cv" }, kids));
    const rows = r.audit.map((a) => {
      let detail = JSON.stringify(a.detail || {});
      if (detail === "{}") detail = "—";
      if (detail.length > 300) detail = detail.slice(0, 300) + "…";
      return h("tr", null,
        cell("col_time", h("time", { datetime: a.time, text: fmtTime(a.time) })),
        cell("col_actor", a.actor),
        cell("col_action", I18N.zh["act_" + a.action] ? h("span", { t: "act_" + a.action }) : h("code", { text: a.action })),
        cell("col_slug", a.slug ? h("a", { href: "#/history/" + enc(a.slug), text: a.slug }) : "—"),
        cell("col_version", a.version ? "v" + a.version : "—"),
        cell("col_detail", h("span", { class: "detail", text: detail })));
    });
    return h("section", { class: "view" },
      h("h2", { tabindex: "-1", t: "audit_title" }),
      h("div", { class: "table-wrap" },
        h("table", { class: "audit" },
          h("caption", { class: "vh", t: "audit_caption" }),
          h("thead", null, h("tr", null, ["col_time", "col_actor", "col_action", "col_slug", "col_version", "col_detail"].map((k) => h("th", { scope: "col", t: k })))),
          h("tbody", null, rows))));
  }

  // ---------------------------------------------------------------- start
  async function init() {
    document.querySelectorAll(".langs button").forEach((b) => {
      b.addEventListener("click", () => setLang(b.dataset.lang));
    });
    $("#skip").addEventListener("click", (ev) => {
      ev.preventDefault();
      const main = $("#main");
      main.focus();
      main.scrollIntoView();
    });
    $("#logout").addEventListener("click", async () => {
      try {
        await api("POST", "/auth/logout");
      } catch (_) {
        /* logged out either way */
      }
      me = null;
      updateChrome();
      pendingNotice = ["ok", "logged_out"];
      location.hash = "#/login";
    });
    applyLang();
    try {
      me = await api("GET", "/auth/me");
    } catch (_) {
      me = null;
    }
    updateChrome();
    window.addEventListener("hashchange", route);
    route();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
