/**
 * The guided-lab interface's own strings (guide panel, problems, challenge, playground,
 * topology editing, share and save), in English and Simplified Chinese. Kept apart from
 * i18n/dict.ts so this part of the page can grow without touching the shared dictionary;
 * it follows the same language switch. Texts that come with a guide or a finding are
 * already bilingual (`Bi`): `useBi()` picks the language.
 */
import { useCallback } from 'react';
import type { Bi } from '../../labs/types.ts';
import { useApp } from '../store/index.ts';

export const L_EN = {
  'side.region': 'Guided lab',
  'side.close': 'Close the guide panel',
  'side.open': 'Guide',
  'side.openTitle': 'Guided labs, problems found, challenge and scheduler playground',
  'side.resize': 'Resize the guide panel',
  'side.tab.guide': 'Guide',
  'side.tab.problems': 'Problems',
  'side.tab.challenge': 'Challenge',
  'side.tab.playground': 'Playground',

  'guide.pick': 'Guided labs',
  'guide.pickHint': 'Pick a guide: each step explains what to do and why, and turns green by itself when the lab really is in that state — whatever commands you use.',
  'guide.forThis': 'For this lab',
  'guide.others': 'In the other labs',
  'guide.openIn': 'Open in {lab}',
  'guide.start': 'Start',
  'guide.steps': '{n} steps',
  'guide.minutes': '~{n} min',
  'guide.level.beginner': 'beginner',
  'guide.level.intermediate': 'intermediate',
  'guide.level.advanced': 'advanced',
  'guide.teacher': 'A teacher\'s lab file',
  'guide.import': 'Load a lab file (.json)…',
  'guide.importHint': 'The file is checked first; any problem is listed here, with where it is.',
  'guide.importErrors': 'This lab file cannot be used ({n} problems):',
  'guide.importOtherLab': 'This guide is for the {lab} lab. Open that lab, then load the file there.',
  'guide.imported': 'teacher\'s file',
  'guide.change': 'All guides',
  'guide.restart': 'Start over',
  'guide.progress': '{done} of {total} steps done',
  'guide.complete': 'Guide complete. Well done!',
  'guide.about': 'About this lab',
  'guide.showMe': 'Show me',
  'guide.showMeTitle': 'Type these commands into the terminals, as you would',
  'guide.stop': 'Stop typing',
  'guide.typing': 'Typing into {host}…',
  'guide.hint': 'Hint',
  'guide.commands': 'Commands',
  'guide.check': 'Check',
  'guide.checkDone': 'Done',
  'guide.checkWaiting': 'Not yet',
  'guide.checkNone': 'Nothing to check: read, try, move on.',
  'guide.checkPending': 'Checking…',
  'guide.frames': 'Frames that show it:',
  'guide.state.done': 'done',
  'guide.state.current': 'current step',
  'guide.state.todo': 'to do',
  'guide.stepDone': 'Step done: {title}',
  'guide.doneAt': 'done at frame {frame}',
  'guide.power': 'power {host} {state}',
  'guide.cable': '{state} the cable of {host} {dev}',
  'guide.on': 'on',
  'guide.off': 'off',
  'guide.plug': 'plug',
  'guide.unplug': 'pull',
  'guide.noneForLab': 'No guide uses this lab yet.',

  'prob.none': 'No problem found in the traffic so far. When a frame shows a classic LVS mistake (a real server answering ARP for the VIP, ip_forward off on a NAT director, a wrong gateway, …), it is listed here and marked in the packet list.',
  'prob.count': '{n} problems found',
  'prob.count1': '1 problem found',
  'prob.open': '{n} open',
  'prob.fixed': 'fixed',
  'prob.frame': 'frame {n}',
  'prob.showFrame': 'Show frame {n}',
  'prob.fix': 'Fix it',
  'prob.fixTitle': 'Type the fix into {host}\'s terminal',
  'prob.fixOn': 'On {host}:',
  'prob.effect': 'consequence',
  'prob.cause': 'cause',
  'prob.marked': 'Problem found',
  'prob.allFixed': 'Everything found so far is fixed now.',

  'ch.title': 'Challenge: what does the director send next?',
  'ch.intro': 'A frame arrives at the director. Before the lab shows you the frame it sends because of it, predict its addresses and ports. Each field is scored, with the reason.',
  'ch.start': 'Start',
  'ch.next': 'Next frame',
  'ch.leave': 'Back to the live lab',
  'ch.arrives': 'Frame {no} arrives at {dir} on {seg}:',
  'ch.predict': 'What will {dir} send on {seg}?',
  'ch.check': 'Check my answer',
  'ch.score': 'Score: {s} of {t}',
  'ch.correct': 'All right!',
  'ch.partly': '{s} of {t} right',
  'ch.expected': 'answer',
  'ch.yours': 'yours',
  'ch.choose': '— choose —',
  'ch.answerFrame': 'The director\'s frame is frame {n} (selected in the packet list).',
  'ch.action': 'What the director did: {a}',
  'ch.f.ethSrc': 'Source MAC',
  'ch.f.ethDst': 'Destination MAC',
  'ch.f.ipSrc': 'Source IP',
  'ch.f.ipDst': 'Destination IP',
  'ch.f.sport': 'Source port',
  'ch.f.dport': 'Destination port',
  'ch.f.outerSrc': 'Outer (tunnel) source IP',
  'ch.f.outerDst': 'Outer (tunnel) destination IP',

  'pg.title': 'Scheduler playground',
  'pg.intro': 'One virtual service on a bench: set the real servers, their weights and open connections, then fire connections and see each choice worked out with the formula from the notes.',
  'pg.scheduler': 'Scheduler',
  'pg.static': 'static',
  'pg.dynamic': 'dynamic',
  'pg.kernel': 'What the kernel computes',
  'pg.seed': 'The notes say',
  'pg.correction': 'Careful',
  'pg.servers': 'Real servers (kernel list order: newest first)',
  'pg.name': 'Name',
  'pg.addr': 'Address',
  'pg.weight': 'Weight',
  'pg.active': 'ActiveConn',
  'pg.inactive': 'InActConn',
  'pg.overloaded': 'Overloaded',
  'pg.remove': 'Remove {name}',
  'pg.add': 'Add server',
  'pg.fire': 'Fire',
  'pg.fireN': 'connections',
  'pg.keep': 'They stay',
  'pg.keepActive': 'open (ActiveConn)',
  'pg.keepInactive': 'finished (InActConn)',
  'pg.clients': 'Client addresses',
  'pg.clear': 'Zero the counters',
  'pg.reset': 'Reset',
  'pg.picks': 'Choices',
  'pg.noPicks': 'Fire a connection to see the scheduler decide.',
  'pg.chose': 'chose',
  'pg.none': 'no server available',
  'pg.formula': 'formula',
  'pg.figure': 'kernel',
  'pg.loadStep': 'Load this step\'s bench',

  'topo.menu': 'Actions for {name}',
  'topo.menuCanvas': 'Add to the topology',
  'topo.powerOff': 'Power off',
  'topo.powerOn': 'Power on',
  'topo.rename': 'Rename…',
  'topo.addNic': 'Add a network card…',
  'topo.removeNic': 'Remove {dev}',
  'topo.unplug': 'Pull the cable of {dev}',
  'topo.plug': 'Plug the cable of {dev} back in',
  'topo.connect': 'Connect {dev} to…',
  'topo.disconnect': 'no network',
  'topo.removeHost': 'Remove this machine',
  'topo.addHost': 'Add a machine…',
  'topo.addSegment': 'Add a network…',
  'topo.removeSegment': 'Remove this network',
  'topo.name': 'Name',
  'topo.role': 'Role',
  'topo.network': 'Network',
  'topo.dev': 'Interface name',
  'topo.newName': 'New name',
  'topo.ok': 'OK',
  'topo.cancel': 'Cancel',
  'topo.confirmRemove': 'Remove {name}? Its terminal and everything on it go too (Undo after Reset lab brings a lab back, not this).',
  'topo.edit': 'Edit',
  'topo.editTitle': 'Add machines and networks (or right-click the topology)',
  'topo.nicTitle': '{dev}: cable, network',

  'bar.share': 'Share',
  'bar.shareTitle': 'A link that rebuilds this lab exactly, in any browser',
  'bar.shareHeading': 'Share this lab',
  'bar.shareHint': 'The link holds everything you typed on every host, in order, plus the guide\'s progress and the layout. Opening it replays the lab in the other browser: same terminals, same capture, same tables. Nothing is sent to a server.',
  'bar.copy': 'Copy link',
  'bar.copied': 'Copied',
  'bar.chars': '{n} characters',
  'bar.lab': 'Lab',
  'bar.labTitle': 'Reset, undo, snapshots, export and import',
  'bar.reset': 'Reset lab',
  'bar.resetHint': 'Start this lab again from scratch (you can undo it).',
  'bar.undo': 'Undo reset',
  'bar.undoHint': 'Bring back the lab as it was before the last reset, rollback or import.',
  'bar.export': 'Export to a file',
  'bar.import': 'Import a file…',
  'bar.snapshots': 'Snapshots',
  'bar.snapshotName': 'Snapshot name',
  'bar.snapshotSave': 'Save snapshot',
  'bar.snapshotNone': 'No snapshot yet. Save one before you try something risky, then roll back if it breaks.',
  'bar.rollback': 'Roll back',
  'bar.delete': 'Delete {name}',
  'bar.snapshotInfo': '{n} inputs',
  'bar.saved': 'Saved',
  'bar.savedTitle': 'Every command is saved in this browser ({storage}); a reload brings the lab back.',
  'bar.notSaved': 'Not saved',
  'bar.close': 'Close',

  'msg.restoredSaved': 'Your lab is back as you left it ({n} inputs replayed).',
  'msg.restoredLink': 'Opened a shared lab ({n} inputs replayed).',
  'msg.restoredUndo': 'Undone: the lab is back ({n} inputs replayed).',
  'msg.restoredSnapshot': 'Rolled back to the snapshot ({n} inputs replayed).',
  'msg.restoredImport': 'Imported the lab ({n} inputs replayed).',
  'msg.reset': 'The lab starts again from scratch. "Undo reset" brings the old one back.',
  'msg.badLink': '{error} A fresh lab was opened instead.',
  'msg.badSave': 'Your saved lab could not be read ({error}). A fresh lab was opened instead.',
  'msg.snapshotSaved': 'Snapshot "{name}" saved.',
  'msg.dismiss': 'Dismiss',
} as const;

export type LKey = keyof typeof L_EN;

export const L_ZH: Record<LKey, string> = {
  'side.region': '实验指导',
  'side.close': '关闭指导面板',
  'side.open': '指导',
  'side.openTitle': '实验指导、发现的问题、挑战模式和调度算法演练',
  'side.resize': '调整指导面板宽度',
  'side.tab.guide': '指导',
  'side.tab.problems': '问题',
  'side.tab.challenge': '挑战',
  'side.tab.playground': '算法演练',

  'guide.pick': '实验指导',
  'guide.pickHint': '选一个指导:每一步都会说明做什么、为什么这样做;只要实验环境真的达到了那个状态,这一步就会自动变绿——用什么命令都可以。',
  'guide.forThis': '适用于当前实验',
  'guide.others': '其他实验中的指导',
  'guide.openIn': '在 {lab}中打开',
  'guide.start': '开始',
  'guide.steps': '{n} 步',
  'guide.minutes': '约 {n} 分钟',
  'guide.level.beginner': '入门',
  'guide.level.intermediate': '进阶',
  'guide.level.advanced': '高级',
  'guide.teacher': '老师提供的实验文件',
  'guide.import': '载入实验文件(.json)…',
  'guide.importHint': '文件会先经过检查;如有问题,会在这里逐条列出并指明位置。',
  'guide.importErrors': '这个实验文件无法使用(共 {n} 个问题):',
  'guide.importOtherLab': '这个指导适用于 {lab} 实验。请先打开那个实验,再在那里载入文件。',
  'guide.imported': '老师的文件',
  'guide.change': '全部指导',
  'guide.restart': '从头开始',
  'guide.progress': '已完成 {done} / {total} 步',
  'guide.complete': '全部完成,做得好!',
  'guide.about': '关于这个实验',
  'guide.showMe': '演示给我看',
  'guide.showMeTitle': '像你自己输入一样,把这些命令敲进终端',
  'guide.stop': '停止输入',
  'guide.typing': '正在向 {host} 输入…',
  'guide.hint': '提示',
  'guide.commands': '命令',
  'guide.check': '检查',
  'guide.checkDone': '已完成',
  'guide.checkWaiting': '尚未完成',
  'guide.checkNone': '这一步无需检查:读一读、试一试,然后继续。',
  'guide.checkPending': '正在检查…',
  'guide.frames': '能说明这一点的帧:',
  'guide.state.done': '已完成',
  'guide.state.current': '当前步骤',
  'guide.state.todo': '待完成',
  'guide.stepDone': '完成一步:{title}',
  'guide.doneAt': '在第 {frame} 帧时完成',
  'guide.power': '{host} {state}',
  'guide.cable': '{host} {dev} {state}网线',
  'guide.on': '开机',
  'guide.off': '关机',
  'guide.plug': '插上',
  'guide.unplug': '拔掉',
  'guide.noneForLab': '还没有使用这个实验的指导。',

  'prob.none': '到目前为止,流量中没有发现问题。一旦某一帧暴露出典型的 LVS 配置错误(真实服务器应答了 VIP 的 ARP、NAT 调度器没开 ip_forward、网关配错……),就会列在这里,并在数据包列表中标出。',
  'prob.count': '发现 {n} 个问题',
  'prob.count1': '发现 1 个问题',
  'prob.open': '{n} 个未解决',
  'prob.fixed': '已修复',
  'prob.frame': '第 {n} 帧',
  'prob.showFrame': '查看第 {n} 帧',
  'prob.fix': '修复',
  'prob.fixTitle': '把修复命令输入到 {host} 的终端',
  'prob.fixOn': '在 {host} 上:',
  'prob.effect': '后果',
  'prob.cause': '原因',
  'prob.marked': '发现问题',
  'prob.allFixed': '目前发现的问题都已修复。',

  'ch.title': '挑战:调度器接下来会发出什么?',
  'ch.intro': '一个帧到达了调度器。在实验显示调度器因它而发出的那一帧之前,先预测那一帧的地址和端口。每一项都会单独评分,并说明原因。',
  'ch.start': '开始',
  'ch.next': '下一帧',
  'ch.leave': '回到实时实验',
  'ch.arrives': '第 {no} 帧从 {seg} 到达 {dir}:',
  'ch.predict': '{dir} 会在 {seg} 上发出什么?',
  'ch.check': '检查答案',
  'ch.score': '得分:{s} / {t}',
  'ch.correct': '全对!',
  'ch.partly': '答对 {s} / {t}',
  'ch.expected': '答案',
  'ch.yours': '你的答案',
  'ch.choose': '— 请选择 —',
  'ch.answerFrame': '调度器发出的是第 {n} 帧(已在数据包列表中选中)。',
  'ch.action': '调度器做了什么:{a}',
  'ch.f.ethSrc': '源 MAC',
  'ch.f.ethDst': '目标 MAC',
  'ch.f.ipSrc': '源 IP',
  'ch.f.ipDst': '目标 IP',
  'ch.f.sport': '源端口',
  'ch.f.dport': '目标端口',
  'ch.f.outerSrc': '外层(隧道)源 IP',
  'ch.f.outerDst': '外层(隧道)目标 IP',

  'pg.title': '调度算法演练',
  'pg.intro': '在一个虚拟服务上做实验:设置真实服务器、权重和已有的连接数,然后发起新连接,看每一次选择如何按笔记中的公式算出来。',
  'pg.scheduler': '调度算法',
  'pg.static': '静态',
  'pg.dynamic': '动态',
  'pg.kernel': '内核实际的计算',
  'pg.seed': '笔记原文',
  'pg.correction': '注意',
  'pg.servers': '真实服务器(内核中的顺序:最后添加的在最前)',
  'pg.name': '名称',
  'pg.addr': '地址',
  'pg.weight': '权重',
  'pg.active': 'ActiveConn',
  'pg.inactive': 'InActConn',
  'pg.overloaded': '过载',
  'pg.remove': '删除 {name}',
  'pg.add': '添加服务器',
  'pg.fire': '发起',
  'pg.fireN': '个连接',
  'pg.keep': '连接',
  'pg.keepActive': '保持打开(ActiveConn)',
  'pg.keepInactive': '已结束(InActConn)',
  'pg.clients': '客户端地址',
  'pg.clear': '计数清零',
  'pg.reset': '重置',
  'pg.picks': '调度结果',
  'pg.noPicks': '发起一个连接,看看调度算法如何选择。',
  'pg.chose': '选择了',
  'pg.none': '没有可用的服务器',
  'pg.formula': '公式',
  'pg.figure': '内核',
  'pg.loadStep': '载入这一步的演练设置',

  'topo.menu': '{name} 的操作',
  'topo.menuCanvas': '向拓扑中添加',
  'topo.powerOff': '关机',
  'topo.powerOn': '开机',
  'topo.rename': '改名…',
  'topo.addNic': '添加网卡…',
  'topo.removeNic': '删除 {dev}',
  'topo.unplug': '拔掉 {dev} 的网线',
  'topo.plug': '重新插上 {dev} 的网线',
  'topo.connect': '把 {dev} 接到…',
  'topo.disconnect': '不接入任何网络',
  'topo.removeHost': '删除这台机器',
  'topo.addHost': '添加机器…',
  'topo.addSegment': '添加网络…',
  'topo.removeSegment': '删除这个网络',
  'topo.name': '名称',
  'topo.role': '角色',
  'topo.network': '网络',
  'topo.dev': '网卡名',
  'topo.newName': '新名称',
  'topo.ok': '确定',
  'topo.cancel': '取消',
  'topo.confirmRemove': '删除 {name}?它的终端和上面的一切都会一起删除。',
  'topo.edit': '编辑',
  'topo.editTitle': '添加机器和网络(也可以在拓扑上单击右键)',
  'topo.nicTitle': '{dev}:网线、网络',

  'bar.share': '分享',
  'bar.shareTitle': '生成一个链接,在任何浏览器中都能原样重建这个实验',
  'bar.shareHeading': '分享这个实验',
  'bar.shareHint': '链接里包含你在每台主机上按顺序输入的所有内容,以及指导的进度和布局。打开链接时,另一个浏览器会重放整个实验:终端、抓包、规则表都一模一样。不会向任何服务器发送数据。',
  'bar.copy': '复制链接',
  'bar.copied': '已复制',
  'bar.chars': '{n} 个字符',
  'bar.lab': '实验',
  'bar.labTitle': '重置、撤销、快照、导出和导入',
  'bar.reset': '重置实验',
  'bar.resetHint': '把这个实验从头开始(可以撤销)。',
  'bar.undo': '撤销重置',
  'bar.undoHint': '恢复上一次重置、回滚或导入之前的实验。',
  'bar.export': '导出为文件',
  'bar.import': '导入文件…',
  'bar.snapshots': '快照',
  'bar.snapshotName': '快照名称',
  'bar.snapshotSave': '保存快照',
  'bar.snapshotNone': '还没有快照。做有风险的操作之前先保存一个,出了问题再回滚。',
  'bar.rollback': '回滚',
  'bar.delete': '删除 {name}',
  'bar.snapshotInfo': '{n} 条输入',
  'bar.saved': '已保存',
  'bar.savedTitle': '每条命令都保存在这个浏览器里({storage});刷新页面后实验会恢复原样。',
  'bar.notSaved': '未保存',
  'bar.close': '关闭',

  'msg.restoredSaved': '实验已恢复到你离开时的样子(重放了 {n} 条输入)。',
  'msg.restoredLink': '已打开分享的实验(重放了 {n} 条输入)。',
  'msg.restoredUndo': '已撤销:实验恢复了(重放了 {n} 条输入)。',
  'msg.restoredSnapshot': '已回滚到快照(重放了 {n} 条输入)。',
  'msg.restoredImport': '已导入实验(重放了 {n} 条输入)。',
  'msg.reset': '实验已从头开始。点“撤销重置”可以找回原来的实验。',
  'msg.badLink': '{error}已改为打开一个全新的实验。',
  'msg.badSave': '无法读取你保存的实验:{error}已改为打开一个全新的实验。',
  'msg.snapshotSaved': '已保存快照“{name}”。',
  'msg.dismiss': '关闭',
};

/**
 * The share codec's and the saved-lab store's sentences (src/share, src/persist: English
 * only), in Chinese for the banner. Unknown sentences stay as they are.
 */
const ZH_ERRORS: readonly [RegExp, string][] = [
  [/^This lab link is broken or incomplete/, '这个实验链接已损坏或不完整(可能是复制时被截断了)。'],
  [/^This lab link is too long to open/, '这个实验链接太长,无法打开。'],
  [/^This lab link was made by a newer version/, '这个实验链接是由更新版本的实验生成的。'],
  [/^This lab link holds more than a lab may/, '这个实验链接包含的内容超出了允许的大小(64 KB)。'],
  [/^This lab link or file is not valid \((.*)\)\.$/, '这个实验链接或文件无效($1)。'],
  [/^This lab link or file is not valid/, '这个实验链接或文件无效。'],
  [/^This file is not a saved lab/, '这个文件不是保存的实验。'],
  [/^This file is too large to be a saved lab/, '这个文件太大,不可能是保存的实验。'],
  [/^This lab is too long to share as a link/, '这个实验太长,无法生成分享链接;请改为导出到文件。'],
  [/^Saving is not available/, '这个浏览器窗口无法保存(没有可用的存储)。'],
  [/^There is nothing to undo/, '没有可以撤销的操作。'],
  [/^That snapshot can no longer be read/, '这个快照已无法读取。'],
];

export function zhError(s: string): string {
  for (const [re, zh] of ZH_ERRORS) {
    const m = re.exec(s);
    if (m) return zhPunct(zh.replace('$1', m[1] ?? ''));
  }
  return s;
}

export type LFn = (key: LKey, params?: Record<string, string | number>) => string;

export function formatL(lang: 'en' | 'zh', key: LKey, params?: Record<string, string | number>): string {
  let s: string = lang === 'zh' ? zhPunct(L_ZH[key] ?? L_EN[key]) : L_EN[key];
  if (params) {
    for (const [k, v] of Object.entries(params)) {
      // An {error} from the share codec or the store is English: say it in Chinese too.
      const text = lang === 'zh' && k === 'error' ? zhError(String(v)) : String(v);
      s = s.replaceAll(`{${k}}`, text);
    }
  }
  return s;
}

export function useL(): LFn {
  const lang = useApp((s) => s.lang);
  return useCallback((key, params) => formatL(lang, key, params), [lang]);
}

/** Outside React: the language at call time. */
export function lNow(key: LKey, params?: Record<string, string | number>): string {
  return formatL(useApp.getState().lang, key, params);
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };

/**
 * Chinese text written with ASCII punctuation (as the course notes are: "模式:由调度器…",
 * "的,所以") reads cramped; next to a Chinese character, `,` `:` `;` `?` `!` and parentheses
 * become the full-width forms. Inside `code` nothing changes, nor between Latin letters and
 * digits (addresses, "lvs:net.ipv4…", "0.0.0.0:80").
 */
export function zhPunct(s: string): string {
  let out = '';
  let code = false;
  const open: boolean[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '`') { code = !code; out += c; continue; }
    if (code || !(c in FULL)) { out += c; continue; }
    const prev = s[i - 1] ?? '', next = s[i + 1] ?? '';
    const near = CJK.test(prev) || CJK.test(next);
    if (c === '(') { open.push(near); out += near ? FULL[c] : c; continue; }
    if (c === ')') { const o = open.pop(); out += o || (o === undefined && near) ? FULL[c] : c; continue; }
    // "1,2" or "a:b" stay; a colon or comma right after Chinese (or before it) is Chinese punctuation.
    out += near && !(/[0-9A-Za-z]/.test(prev) && /[0-9A-Za-z]/.test(next)) ? FULL[c] : c;
  }
  return out;
}

/** A guide's or a finding's text in the page's language. */
export function useBi(): (b: Bi | undefined) => string {
  const lang = useApp((s) => s.lang);
  return useCallback((b) => (!b ? '' : lang === 'zh' ? zhPunct(b.zh || b.en) : b.en), [lang]);
}
