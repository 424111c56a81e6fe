<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../ui/import_wizard.py" line="507"/>
        <source>Import data: check and preview</source>
        <translation>导入数据：检查与预览</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="509"/>
        <source>Nothing has been written. Every cell was checked as the entry form checks it.</source>
        <translation>尚未写入任何数据。每个单元格都已按录入表单的规则检查。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="511"/>
        <source>Check &amp;again</source>
        <translation>重新检查(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="513"/>
        <source>Preview (file row, participant, visit; red = error, amber = warning):</source>
        <translation>预览（文件行、受试者、访视；红色 = 错误，琥珀色 = 警告）：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="515"/>
        <source>Problems:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="516"/>
        <source>&amp;Reason for accepting the warnings:</source>
        <translation>接受警告的理由(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="517"/>
        <source>e.g. checked against the paper CRFs</source>
        <translation>例如：已与纸质 CRF 核对</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="529"/>
        <source>Checking the file…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="541"/>
        <source>{rows} rows · {parts} participants ({new} new) · {visits} visits · {values} values · {errors} errors · {warnings} warnings</source>
        <translation>{rows} 行 · {parts} 名受试者（{new} 名新增）· {visits} 次访视 · {values} 个数值 · {errors} 个错误 · {warnings} 个警告</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="557"/>
        <source>{n} errors: nothing can be imported. Correct the file where the list says, then check it again.</source>
        <translation>{n} 个错误：无法导入。请按列表所示的位置更正文件，然后重新检查。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="563"/>
        <source>The file has no rows to import.</source>
        <translation>文件中没有可导入的行。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="568"/>
        <source>No errors, {n} warnings (implausible values). To import, confirm them with a reason; it is stored with every confirmation.</source>
        <translation>没有错误，有 {n} 个警告（数值不太可能）。如要导入，请填写理由确认这些警告；理由会随每条确认一起保存。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="577"/>
        <source>The file is valid. Nothing is written until you import it.</source>
        <translation>文件有效。在您执行导入之前不会写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="604"/>
        <source>Checking {file}…</source>
        <translation>正在检查 {file}…</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="635"/>
        <source>{error}. Nothing was written.</source>
        <translation>{error}。未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="637"/>
        <source>The file could not be checked: {error}</source>
        <translation>无法检查该文件：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="643"/>
        <source>Check cancelled. Nothing was written.</source>
        <translation>检查已取消。未写入任何数据。</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../ui/visit_form.py" line="244"/>
        <source>Confirm and give reasons</source>
        <translation>确认并填写原因</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="250"/>
        <source>Implausible values: confirm each with a reason</source>
        <translation>不太可能的数值：请逐项填写原因确认</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="261"/>
        <source>This visit is complete: give a reason for each change</source>
        <translation>此访视已完成：请为每项修改填写原因</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="298"/>
        <source>Every line needs a reason.</source>
        <translation>每一行都需要填写原因。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/errors.py" line="67"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="69"/>
        <source>Something unexpected went wrong. Your entry is kept as a draft and will be offered when you reopen the visit.</source>
        <translation>发生了意外错误。您的录入已保存为草稿，重新打开该访视时会提示恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="76"/>
        <source>Details were written to {path}</source>
        <translation>详细信息已写入 {path}</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../ui/import_wizard.py" line="396"/>
        <source>Import data: choose the file</source>
        <translation>导入数据：选择文件</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="398"/>
        <source>An .xlsx or .csv file in the layout of the program&apos;s long data export.</source>
        <translation>按本程序长格式数据导出的布局保存的 .xlsx 或 .csv 文件。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="400"/>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="401"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="404"/>
        <source>Every cell is checked with the same definitions and flags as the entry form before anything is written. The import writes the whole file in one transaction, or nothing; every value is audited with the file&apos;s name and SHA-256 checksum.</source>
        <translation>写入任何数据之前，每个单元格都会按与录入表单相同的定义和标记规则进行检查。导入在一个事务中写入整个文件，否则什么也不写入；每个数值都会连同文件名和 SHA-256 校验和记入稽查轨迹。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="417"/>
        <source>Choose the file to import</source>
        <translation>选择要导入的文件</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <location filename="../../ui/login.py" line="322"/>
        <source>Create the administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="325"/>
        <source>This database has no users yet. Create the administrator account; the administrator then creates the other accounts.</source>
        <translation>此数据库还没有用户。请创建管理员账户；其他账户由管理员创建。</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="329"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="330"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="332"/>
        <source>&amp;Repeat password:</source>
        <translation>再次输入密码(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="336"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/history.py" line="54"/>
        <source>History</source>
        <translation>修改历史</translation>
    </message>
    <message>
        <location filename="../../ui/history.py" line="56"/>
        <source>Audit trail of {what}: {n} entries</source>
        <translation>{what} 的稽查轨迹：{n} 条</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../ui/models.py" line="426"/>
        <source>When (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="430"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="434"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="439"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="443"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="446"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="450"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../ui/import_wizard.py" line="715"/>
        <source>Import data: confirm and import</source>
        <translation>导入数据：确认并导入</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="716"/>
        <source>The whole file is written in one transaction, or nothing.</source>
        <translation>整个文件在一个事务中全部写入，否则什么也不写入。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="718"/>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="720"/>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="735"/>
        <source>File: {file}
To write: {new} new participants, {visits} visits, {values} values.
Audit reason of every value: {reason}</source>
        <translation>文件：{file}
将写入：{new} 名新受试者，{visits} 次访视，{values} 个数值。
每个数值的稽查理由：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="746"/>
        <source>{n} warnings confirmed with the reason: {reason}</source>
        <translation>{n} 个警告以此理由确认：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="758"/>
        <source>Nothing has been written yet. Press Import to write the file.</source>
        <translation>尚未写入任何数据。按“导入”写入该文件。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="791"/>
        <location filename="../../ui/import_wizard.py" line="794"/>
        <source>Importing {file}…</source>
        <translation>正在导入 {file}…</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="815"/>
        <source>Imported {file}: {new} new participants, {visits} visits, {values} values, written in one transaction and audited as “{reason}”.</source>
        <translation>已导入 {file}：{new} 名新受试者，{visits} 次访视，{values} 个数值，已在一个事务中写入，稽查理由为“{reason}”。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="833"/>
        <source>Import cancelled. Nothing was written.</source>
        <translation>导入已取消。未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="840"/>
        <source>The database refused file row {row}: {error}. Nothing was written.</source>
        <translation>数据库拒绝了文件第 {row} 行：{error}。未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="843"/>
        <source>The import was refused: {error}. Nothing was written.</source>
        <translation>导入被拒绝：{error}。未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="849"/>
        <source>The import failed: {error}. Nothing was written.</source>
        <translation>导入失败：{error}。未写入任何数据。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../ui/import_wizard.py" line="75"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="76"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="341"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="342"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="343"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="344"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.py" line="877"/>
        <location filename="../../ui/import_wizard.py" line="883"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <location filename="../../ui/login.py" line="372"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="375"/>
        <source>OutcomeDesk is locked. Enter your password to continue, or sign out so that another user can sign in; unsaved entries are kept as a draft.</source>
        <translation>OutcomeDesk 已锁定。请输入密码继续，或退出登录以便其他用户登录；未保存的录入已保存为草稿。</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="379"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="380"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="381"/>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="394"/>
        <source>Only the user who was logged in can unlock.</source>
        <translation>只有原登录用户才能解锁。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>Automatic backup</source>
        <translation>自动备份</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="258"/>
        <source>No backup copy of this study is being made: {problem}

What you save is still kept in the study database. Free space on the disk, or tell your data manager. The program tries again at its next start.</source>
        <translation>本研究目前没有生成备份副本：{problem}

您保存的数据仍保存在研究数据库中。请清理磁盘空间，或告知数据管理员。程序下次启动时会再次尝试备份。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314"/>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="350"/>
        <source>Open another database with File ▸ Open database… (Ctrl+O), or quit.</source>
        <translation>请用“文件 ▸ 打开数据库…”（Ctrl+O）打开其他数据库，或退出程序。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="469"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="470"/>
        <source>&amp;Participant</source>
        <translation>受试者(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="471"/>
        <source>&amp;Visit</source>
        <translation>访视(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="472"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="473"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="478"/>
        <source>&amp;Open database…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="479"/>
        <source>&amp;Preferences…</source>
        <translation>偏好设置(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="480"/>
        <source>&amp;Lock now</source>
        <translation>立即锁定(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="481"/>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="482"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="483"/>
        <source>Participant &amp;list</source>
        <translation>受试者列表(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484"/>
        <source>&amp;Add participant…</source>
        <translation>添加受试者(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="485"/>
        <source>&amp;Edit attributes…</source>
        <translation>编辑基本信息(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="486"/>
        <source>&amp;Next visit</source>
        <translation>下一次访视(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="487"/>
        <source>&amp;Previous visit</source>
        <translation>上一次访视(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="488"/>
        <source>&amp;Timeline</source>
        <translation>访视时间表(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="489"/>
        <source>Mark &amp;missed…</source>
        <translation>标记为缺失(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="490"/>
        <source>Record &amp;out of window…</source>
        <translation>记录超出时间窗(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="491"/>
        <source>&amp;Correct signed visit…</source>
        <translation>更正已签名访视(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="492"/>
        <source>&amp;Sign…</source>
        <translation>签名(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="493"/>
        <source>Loc&amp;k…</source>
        <translation>锁定(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="494"/>
        <source>&amp;Unlock…</source>
        <translation>解锁(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="495"/>
        <source>&amp;History…</source>
        <translation>修改历史(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="496"/>
        <source>&amp;Participant report (PDF)…</source>
        <translation>受试者报告（PDF）(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="497"/>
        <source>&amp;Completed CRF of this visit (PDF)…</source>
        <translation>本次访视已填写的病例报告表（PDF）(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="498"/>
        <source>&amp;Blank CRF of this visit (PDF)…</source>
        <translation>本次访视的空白病例报告表（PDF）(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="499"/>
        <source>Reports for &amp;all participants (PDF folder)…</source>
        <translation>全部受试者报告（PDF 文件夹）(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="500"/>
        <source>&amp;Export data (xlsx, SPSS, Stata, CSV)…</source>
        <translation>导出数据（xlsx、SPSS、Stata、CSV）(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="501"/>
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="502"/>
        <source>&amp;Re-score study and flags</source>
        <translation>重新计分并检查标记(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="512"/>
        <source>{user} ({role}) · {db}</source>
        <translation>{user}（{role}）· {db}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="609"/>
        <source>History</source>
        <translation>修改历史</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="624"/>
        <source>Re-scoring the study…</source>
        <translation>正在重新计分…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="641"/>
        <source>Re-scoring failed: {error}</source>
        <translation>重新计分失败：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="663"/>
        <source>Save participant report</source>
        <translation>保存受试者报告</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="695"/>
        <source>Laying out the participant report…</source>
        <translation>正在生成受试者报告…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="697"/>
        <location filename="../../ui/main_window.py" line="774"/>
        <source>Report written to {path}</source>
        <translation>报告已写入 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="709"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="750"/>
        <source>Save case report form</source>
        <translation>保存病例报告表</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="772"/>
        <source>Laying out the case report form…</source>
        <translation>正在排版病例报告表…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="782"/>
        <source>Folder for the reports</source>
        <translation>报告保存文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="805"/>
        <source>Laying out the participant reports…</source>
        <translation>正在排版受试者报告…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="807"/>
        <source>{n} reports written to {path}</source>
        <translation>已写入 {n} 份报告到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="815"/>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="859"/>
        <source>Exporting the study data…</source>
        <translation>正在导出研究数据…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="862"/>
        <source>Data exported to {path}</source>
        <translation>数据已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="864"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>OpenDatabaseDialog</name>
    <message>
        <location filename="../../ui/main_window.py" line="117"/>
        <location filename="../../ui/main_window.py" line="145"/>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="121"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="127"/>
        <source>&amp;Database file or PostgreSQL URL:</source>
        <translation>数据库文件或 PostgreSQL 地址(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="147"/>
        <source>OutcomeDesk databases (*.db *.sqlite);;All files (*)</source>
        <translation>OutcomeDesk 数据库 (*.db *.sqlite);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ParticipantDialog</name>
    <message>
        <location filename="../../ui/participants.py" line="375"/>
        <source>Add participant</source>
        <translation>添加受试者</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="375"/>
        <source>Edit participant</source>
        <translation>编辑受试者</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="378"/>
        <source>&amp;Code:</source>
        <translation>编号(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="379"/>
        <source>S&amp;ite:</source>
        <translation>中心(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="380"/>
        <source>&amp;Birth date:</source>
        <translation>出生日期(&amp;B)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="381"/>
        <source>&amp;Day 1 (first infusion):</source>
        <translation>第1天（首次输注）(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="382"/>
        <source>Scree&amp;ning number:</source>
        <translation>筛选号(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="383"/>
        <source>&amp;Reason for the change:</source>
        <translation>修改原因(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="384"/>
        <source>Reason to con&amp;firm:</source>
        <translation>确认原因(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="415"/>
        <source>A participant code is required.</source>
        <translation>必须填写受试者编号。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="418"/>
        <source>Participant {code} already exists: choose another code.</source>
        <translation>受试者 {code} 已存在：请换一个编号。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="421"/>
        <source>Choose a site.</source>
        <translation>请选择中心。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="427"/>
        <source>Not a date (YYYY-MM-DD).</source>
        <translation>不是日期（YYYY-MM-DD）。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="457"/>
        <source>Not a number.</source>
        <translation>不是数字。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="459"/>
        <source>A reason is required for every change.</source>
        <translation>每项修改都必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="477"/>
        <source>(give a reason to confirm below, then press OK)</source>
        <translation>（请在下方填写确认原因，然后按“确定”）</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="479"/>
        <source>(press OK again to confirm)</source>
        <translation>（再次按“确定”以确认）</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="520"/>
        <source>A reason is required to confirm.</source>
        <translation>确认必须填写原因。</translation>
    </message>
</context>
<context>
    <name>ParticipantListPage</name>
    <message>
        <location filename="../../ui/participants.py" line="177"/>
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="178"/>
        <source>code, screening or randomisation number</source>
        <translation>编号、筛选号或随机号</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="179"/>
        <source>&amp;Overdue visits</source>
        <translation>逾期访视(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="180"/>
        <source>Open &amp;flags</source>
        <translation>未处理标记(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="188"/>
        <source>All sites</source>
        <translation>全部中心</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="195"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../ui/participants.py" line="222"/>
        <source>{shown} of {total} participants</source>
        <translation>共 {total} 名受试者，显示 {shown} 名</translation>
    </message>
</context>
<context>
    <name>ParticipantPage</name>
    <message>
        <location filename="../../ui/participant_page.py" line="183"/>
        <source>Choose a visit in the timeline and press Enter (Alt+Up/Alt+Down switch visits).</source>
        <translation>在访视时间表中选择访视并按 Enter（Alt+↑/Alt+↓ 切换访视）。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="232"/>
        <source>site</source>
        <translation>中心</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="232"/>
        <source>age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="232"/>
        <source>day 1</source>
        <translation>第1天</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="308"/>
        <source>Draft found</source>
        <translation>发现草稿</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="309"/>
        <source>An unsaved draft of this visit exists (saved {when} UTC). Restore it?</source>
        <translation>此访视有未保存的草稿（保存于 UTC {when}）。是否恢复？</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="316"/>
        <source>&amp;Discard the draft</source>
        <translation>丢弃草稿(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="336"/>
        <source>Open a visit first.</source>
        <translation>请先打开一次访视。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="343"/>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="356"/>
        <source>Mark missed</source>
        <translation>标记为缺失</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="359"/>
        <source>Mark visit missed</source>
        <translation>标记访视缺失</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="360"/>
        <source>Why was {visit} missed?</source>
        <translation>{visit}为什么缺失？</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="380"/>
        <source>Out of window</source>
        <translation>超出时间窗</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="383"/>
        <source>Record out of window</source>
        <translation>记录超出时间窗</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="384"/>
        <source>Window {start} … {end}. Give the actual date and why it is outside.</source>
        <translation>时间窗 {start} … {end}。请填写实际日期及超出原因。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="409"/>
        <location filename="../../ui/participant_page.py" line="412"/>
        <location filename="../../ui/participant_page.py" line="417"/>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="412"/>
        <source>Save the visit first.</source>
        <translation>请先保存访视。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="418"/>
        <source>Only a complete visit can be signed; this one is {status}.</source>
        <translation>只有已完成的访视才能签名；此访视为{status}。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="427"/>
        <source>Sign visit</source>
        <translation>访视签名</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="428"/>
        <source>Signing {visit} of {code} as {user}. Re-enter your password.</source>
        <translation>以 {user} 身份为 {code} 的{visit}签名。请再次输入密码。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="451"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="453"/>
        <source>Unlock visit</source>
        <translation>解锁访视</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="453"/>
        <source>Lock visit</source>
        <translation>锁定访视</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="458"/>
        <source>This visit is not locked.</source>
        <translation>此访视未锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="460"/>
        <source>This visit is locked already.</source>
        <translation>此访视已锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="463"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="474"/>
        <source>Correct signed visit</source>
        <translation>更正已签名访视</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="476"/>
        <source>Changing a signed visit voids its signature; it must then be signed again. Every change needs a reason. Continue?</source>
        <translation>修改已签名的访视会使签名失效，之后需要重新签名。每项修改都需要原因。是否继续？</translation>
    </message>
</context>
<context>
    <name>ParticipantStatus</name>
    <message>
        <location filename="../../ui/models.py" line="124"/>
        <source>screened</source>
        <translation>已筛选</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="125"/>
        <source>enrolled</source>
        <translation>已入组</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="126"/>
        <source>completed</source>
        <translation>已完成研究</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="127"/>
        <source>withdrawn</source>
        <translation>已退出</translation>
    </message>
</context>
<context>
    <name>ParticipantTableModel</name>
    <message>
        <location filename="../../ui/models.py" line="142"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="147"/>
        <source>Site</source>
        <translation>中心</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="152"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="157"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="163"/>
        <source>Day 1</source>
        <translation>第1天</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="168"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="173"/>
        <source>Next visit</source>
        <translation>下次访视</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="178"/>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="184"/>
        <source>Open flags</source>
        <translation>未处理标记</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/main_window.py" line="63"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="69"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="70"/>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="72"/>
        <source>&amp;Lock after idle:</source>
        <translation>空闲后锁定(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="80"/>
        <source>The language is switched in the Language menu.</source>
        <translation>语言在“语言”菜单中切换。</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../ui/participant_page.py" line="70"/>
        <source>&amp;Date:</source>
        <translation>日期(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="76"/>
        <source>&amp;Meaning:</source>
        <translation>签名含义(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="81"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="85"/>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="102"/>
        <source>A reason is required.</source>
        <translation>必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../ui/participant_page.py" line="108"/>
        <source>Not a date (YYYY-MM-DD).</source>
        <translation>不是日期（YYYY-MM-DD）。</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/store_messages.py" line="21"/>
        <source>assessor</source>
        <translation>评估员</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="22"/>
        <source>investigator</source>
        <translation>研究者</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="23"/>
        <source>data manager</source>
        <translation>数据管理员</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="24"/>
        <source>statistician</source>
        <translation>统计师</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="25"/>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>ScoresModel</name>
    <message numerus="yes">
        <location filename="../../ui/scores_model.py" line="29"/>
        <source>%n point(s)</source>
        <translation>
            <numerusform>%n 分</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/scores_model.py" line="31"/>
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n 岁</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/scores_model.py" line="158"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../ui/scores_model.py" line="158"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/scores_model.py" line="158"/>
        <source>Range</source>
        <translation>范围</translation>
    </message>
</context>
<context>
    <name>Sex</name>
    <message>
        <location filename="../../ui/models.py" line="133"/>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="134"/>
        <source>female</source>
        <translation>女</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../../ui/login.py" line="209"/>
        <source>{program} {version} — sign in</source>
        <translation>{program} {version} — 登录</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="214"/>
        <source>Database: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="217"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="218"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="219"/>
        <source>&amp;Sign in</source>
        <translation>登录(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="220"/>
        <source>&amp;Open another database…</source>
        <translation>打开其他数据库(&amp;O)…</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/models.py" line="255"/>
        <source>planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="256"/>
        <source>in progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="257"/>
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="258"/>
        <source>missed</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="259"/>
        <source>not done</source>
        <translation>未做</translation>
    </message>
</context>
<context>
    <name>Stopwatch</name>
    <message>
        <location filename="../../ui/stopwatch.py" line="34"/>
        <source>Stopwatch (Space in a trial field starts/stops; the time lands in that field):</source>
        <translation>秒表（在试验字段中按空格键开始/停止；时间填入该字段）：</translation>
    </message>
</context>
<context>
    <name>StoreMessages</name>
    <message>
        <location filename="../../ui/store_messages.py" line="37"/>
        <source>Unknown user name or wrong password.</source>
        <translation>用户名不存在或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="44"/>
        <source>Wrong password: the visit was not signed.</source>
        <translation>密码错误：访视未签名。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="51"/>
        <source>The account no longer exists or is disabled.</source>
        <translation>该账户已不存在或已停用。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="61"/>
        <source>Account {user} is locked after {n} failed sign-ins; try again after {until} UTC or ask an administrator.</source>
        <translation>账户 {user} 因 {n} 次登录失败已被锁定；请在 {until} UTC 之后重试，或联系管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="73"/>
        <source>Account {user} is now locked for {minutes} minutes after {n} failed sign-ins.</source>
        <translation>账户 {user} 因 {n} 次登录失败，现已锁定 {minutes} 分钟。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="81"/>
        <source>Account {user} is locked.</source>
        <translation>账户 {user} 已被锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="88"/>
        <source>Participant {code} already exists: choose another code.</source>
        <translation>受试者 {code} 已存在：请换一个编号。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="95"/>
        <source>{what} was changed by someone else since you opened it; reload it and enter your change again.</source>
        <translation>自您打开后，{what} 已被他人修改；请重新载入后再次录入您的修改。</translation>
    </message>
    <message>
        <location filename="../../ui/store_messages.py" line="104"/>
        <source>Your role ({role}) may not do this: {what}.</source>
        <translation>您的角色（{role}）无权执行此操作：{what}。</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <location filename="../../ui/store_bridge.py" line="169"/>
        <source>Out of window</source>
        <translation>超出时间窗</translation>
    </message>
    <message>
        <location filename="../../ui/store_bridge.py" line="170"/>
        <source>{date} is outside the window {start} … {end}. Reason:</source>
        <translation>{date} 超出时间窗 {start} … {end}。原因：</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="166"/>
        <source>timed by the program</source>
        <translation>由程序计时</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="514"/>
        <source>&amp;Visit date:</source>
        <translation>访视日期(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="515"/>
        <source>Scores (updated as you type)</source>
        <translation>评分（随输入实时更新）</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="521"/>
        <source>Keys: digits pick coded answers; Enter/Tab next field; Ctrl+PgDown/PgUp next/previous page; Ctrl+S save; Ctrl+Z/Ctrl+Y undo/redo; Ctrl+Shift+H field history; Delete on an empty field clears its missing code. Missing data: {keys}.</source>
        <translation>按键：数字选择编码答案；Enter/Tab 下一项；Ctrl+PgDown/PgUp 下一页/上一页；Ctrl+S 保存；Ctrl+Z/Ctrl+Y 撤销/重做；Ctrl+Shift+H 字段修改历史；在空字段按 Delete 清除缺失代码。缺失数据：{keys}。</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="542"/>
        <source>signed by {user}</source>
        <translation>由 {user} 签名</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="544"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="546"/>
        <source>window</source>
        <translation>时间窗</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="636"/>
        <source>{key} ({label}) does not apply here; allowed: {allowed}</source>
        <translation>{key}（{label}）不适用于此项；可用：{allowed}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="938"/>
        <source>Locked: read-only. A data manager can unlock it (with a reason).</source>
        <translation>已锁定：只读。数据管理员可解锁（需填写原因）。</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="940"/>
        <source>Recorded as {status}: no entry.</source>
        <translation>已记录为{status}：无需录入。</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="943"/>
        <source>Signed: read-only. Use Visit ▸ Correct signed visit to change it; the signature is then voided and must be given again.</source>
        <translation>已签名：只读。如需修改请使用“访视 ▸ 更正已签名访视”；签名随之失效，需要重新签名。</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="947"/>
        <source>Read-only for your role.</source>
        <translation>您的角色只能查看。</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="973"/>
        <location filename="../../ui/visit_form.py" line="1045"/>
        <location filename="../../ui/visit_form.py" line="1088"/>
        <location filename="../../ui/visit_form.py" line="1091"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="975"/>
        <source>Fix the values marked red first (or record a missing-data code):
{msgs}</source>
        <translation>请先更正标红的数值（或记录缺失代码）：
{msgs}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="1026"/>
        <source>{page} · {code} {label}: {message}</source>
        <translation>{page} · {code} {label}：{message}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_form.py" line="1046"/>
        <source>The visit date is not a valid date (YYYY-MM-DD).</source>
        <translation>访视日期不是有效日期（YYYY-MM-DD）。</translation>
    </message>
</context>
<context>
    <name>VisitTimelineModel</name>
    <message>
        <location filename="../../ui/models.py" line="283"/>
        <source>Visit</source>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="288"/>
        <source>Target</source>
        <translation>目标日期</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="293"/>
        <source>Window</source>
        <translation>时间窗</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="298"/>
        <source>Actual</source>
        <translation>实际日期</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="303"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="308"/>
        <source>Open flags</source>
        <translation>未处理标记</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="314"/>
        <source>Signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="319"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="321"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="341"/>
        <source>Overdue: the window has closed.</source>
        <translation>逾期：时间窗已结束。</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="347"/>
        <source>Out of window: {reason}</source>
        <translation>超出时间窗：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="355"/>
        <source>Locked: read-only until a data manager unlocks it (with a reason).</source>
        <translation>已锁定：只读，须由数据管理员（填写理由）解锁。</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="415"/>
        <source>overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/models.py" line="417"/>
        <source>out of window</source>
        <translation>超出时间窗</translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <location filename="../../ui/workers.py" line="106"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
