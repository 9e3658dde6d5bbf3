<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Dispatch to</source>
        <translation>派遣至</translation>
    </message>
    <message>
        <source>Done properly: pass</source>
        <translation>处置到位：核查通过</translation>
    </message>
    <message>
        <source>Not done: back for rework</source>
        <translation>未处置到位：退回返工</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>核查结论</translation>
    </message>
    <message>
        <source>Resident&apos;s rating</source>
        <translation>群众评价</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>同意</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>不同意</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审批意见</translation>
    </message>
    <message>
        <source>Working days</source>
        <translation>工作日数</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>小时数</translation>
    </message>
    <message>
        <source>Merge into</source>
        <translation>并入案件</translation>
    </message>
    <message>
        <source>Required: why</source>
        <translation>必填：说明原因</translation>
    </message>
    <message>
        <source>Optional note</source>
        <translation>选填备注</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>AddUnitsDialog</name>
    <message>
        <source>Add units</source>
        <translation>添加辖区</translation>
    </message>
    <message>
        <source>12-digit division codes, e.g. 321202002000 (one per line or separated by spaces)</source>
        <translation>12 位区划代码，如 321202002000（每行一个或以空格分隔）</translation>
    </message>
    <message>
        <source>With every unit below them in the division list</source>
        <translation>连同区划代码表中其下所有单位</translation>
    </message>
    <message>
        <source>Each unit gets its center. The codes come from the imported division list.</source>
        <translation>每个单位同时建立其网格化服务管理中心。代码取自已导入的区划代码表。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>No unit was added.</source>
        <translation>未添加任何单位。</translation>
    </message>
</context>
<context>
    <name>AdministrationDialog</name>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>辖区</translation>
    </message>
    <message>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Grid people</source>
        <translation>网格人员</translation>
    </message>
    <message>
        <source>Matters</source>
        <translation>事项清单</translation>
    </message>
    <message>
        <source>Operation log</source>
        <translation>操作日志</translation>
    </message>
</context>
<context>
    <name>AlertStrip</name>
    <message>
        <source>Show these cases on the board (%1)</source>
        <translation>在案件看板上显示这些案件（%1）</translation>
    </message>
    <message>
        <source>Clear these notices</source>
        <translation>清除这些提醒</translation>
    </message>
    <message>
        <source>(+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
    <message>
        <source>Open this camera</source>
        <translation>打开该摄像机</translation>
    </message>
    <message>
        <source>Open this case</source>
        <translation>打开该案件</translation>
    </message>
    <message>
        <source>Awaiting filing</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Near due</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>⚠ Data NOT updated: %1</source>
        <translation>⚠ 数据未更新：%1</translation>
    </message>
    <message>
        <source>Loading data…</source>
        <translation>正在加载数据…</translation>
    </message>
    <message>
        <source>Data as of %1</source>
        <translation>数据更新于 %1</translation>
    </message>
    <message>
        <source>◆ Critical case: %1</source>
        <translation>◆ 特急案件：%1</translation>
    </message>
    <message>
        <source>⚑ Supervision order (督办) from above: %1</source>
        <translation>⚑ 上级督办：%1</translation>
    </message>
    <message>
        <source>■ Key-site camera offline: %1</source>
        <translation>■ 重点部位摄像机离线：%1</translation>
    </message>
</context>
<context>
    <name>BaseDataBrowser</name>
    <message>
        <source>Base data</source>
        <translation>基础数据</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Houses</source>
        <translation>房屋</translation>
    </message>
    <message>
        <source>Organisations</source>
        <translation>组织</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Residents…</source>
        <translation>人口…</translation>
    </message>
    <message>
        <source>Houses and buildings…</source>
        <translation>楼栋与房屋…</translation>
    </message>
    <message>
        <source>Organisations…</source>
        <translation>组织…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Import residents</source>
        <translation>导入人口</translation>
    </message>
    <message>
        <source>Import houses and buildings</source>
        <translation>导入楼栋与房屋</translation>
    </message>
    <message>
        <source>Import organisations</source>
        <translation>导入组织</translation>
    </message>
    <message>
        <source>Columns: 姓名, 身份证号, 电话, 网格编码, 楼栋, 房号, 户籍类型, 特殊人群. A known ID number updates the resident.</source>
        <translation>列：姓名、身份证号、电话、网格编码、楼栋、房号、户籍类型、特殊人群。已有的身份证号更新该人员。</translation>
    </message>
    <message>
        <source>Columns: 网格编码, 楼栋, 地址, 楼栋用途, 层数, 经度, 纬度, 房号, 房屋用途, 面积.</source>
        <translation>列：网格编码、楼栋、地址、楼栋用途、层数、经度、纬度、房号、房屋用途、面积。</translation>
    </message>
    <message>
        <source>Columns: 名称, 类型, 统一社会信用代码, 网格编码, 地址, 联系人, 电话.</source>
        <translation>列：名称、类型、统一社会信用代码、网格编码、地址、联系人、电话。</translation>
    </message>
    <message>
        <source>Imported %1 row(s): %2 new, %3 updated.</source>
        <translation>已导入 %1 行：新增 %2，更新 %3。</translation>
    </message>
</context>
<context>
    <name>BoardPanel</name>
    <message>
        <source>Cases by stage</source>
        <translation>案件各环节数量</translation>
    </message>
    <message>
        <source>▲ Overdue: %1</source>
        <translation>▲ 超期：%1</translation>
    </message>
    <message>
        <source>overdue %1</source>
        <translation>超期 %1</translation>
    </message>
</context>
<context>
    <name>BoardTab</name>
    <message>
        <source>Columns by stage</source>
        <translation>按环节分栏</translation>
    </message>
    <message>
        <source>List</source>
        <translation>列表</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <source>Code, title, grid or holder</source>
        <translation>编号、标题、网格或承办单位/人</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Any urgency</source>
        <translation>全部紧急程度</translation>
    </message>
    <message>
        <source>All grids</source>
        <translation>全部网格</translation>
    </message>
    <message>
        <source>My whole jurisdiction</source>
        <translation>本辖区全部</translation>
    </message>
    <message>
        <source>Holder</source>
        <translation>承办单位/人</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>仅看超期</translation>
    </message>
    <message>
        <source>Least time left first</source>
        <translation>剩余时间少的在前</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>上报早的在前</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>%1 the selected</source>
        <translation>批量%1</translation>
    </message>
    <message>
        <source>Needs my action (%1)</source>
        <translation>待我处理（%1）</translation>
    </message>
    <message>
        <source>needs my action</source>
        <translation>待我处理</translation>
    </message>
    <message>
        <source>All cases on the board</source>
        <translation>看板全部案件</translation>
    </message>
    <message>
        <source>%1 selected</source>
        <translation>已选 %1 件</translation>
    </message>
    <message>
        <source>%1 done</source>
        <translation>已完成 %1 件</translation>
    </message>
    <message>
        <source>%1 refused: %2</source>
        <translation>%1 件被拒：%2</translation>
    </message>
</context>
<context>
    <name>BuildingsTab</name>
    <message>
        <source>Building name or address</source>
        <translation>楼栋名称或地址</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Houses</source>
        <translation>房屋数</translation>
    </message>
    <message>
        <source>Rented</source>
        <translation>出租</translation>
    </message>
    <message>
        <source>Vacant</source>
        <translation>空置</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>居住人数</translation>
    </message>
    <message>
        <source>House</source>
        <translation>房号</translation>
    </message>
    <message>
        <source>Area (m²)</source>
        <translation>面积（㎡）</translation>
    </message>
    <message>
        <source>The first %1 building(s); narrow the search</source>
        <translation>前 %1 栋（请缩小搜索范围）</translation>
    </message>
    <message>
        <source>%1 building(s)</source>
        <translation>%1 栋</translation>
    </message>
</context>
<context>
    <name>BulkDialog</name>
    <message>
        <source>%1 %2 cases</source>
        <translation>%1 %2 件案件</translation>
    </message>
    <message>
        <source>Dispatch to</source>
        <translation>派遣至</translation>
    </message>
    <message>
        <source>One note for all of them</source>
        <translation>所有案件共用一条备注</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>CameraForm</name>
    <message>
        <source>Edit camera</source>
        <translation>编辑摄像机</translation>
    </message>
    <message>
        <source>Add camera</source>
        <translation>添加摄像机</translation>
    </message>
    <message>
        <source>20 digits, e.g. 32120200001311000001</source>
        <translation>20 位，例如 32120200001311000001</translation>
    </message>
    <message>
        <source>Optional: the low-resolution stream</source>
        <translation>可选：低分辨率码流</translation>
    </message>
    <message>
        <source>Longitude, WGS-84, e.g. 119.9021</source>
        <translation>经度（WGS-84），例如 119.9021</translation>
    </message>
    <message>
        <source>Latitude, WGS-84, e.g. 32.4853</source>
        <translation>纬度（WGS-84），例如 32.4853</translation>
    </message>
    <message>
        <source>Optional: found from the point</source>
        <translation>可选：按位置自动确定</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Key site (重点部位): offline is an alert</source>
        <translation>重点部位（离线即告警）</translation>
    </message>
    <message>
        <source>Remove the stored user name and password</source>
        <translation>删除已保存的用户名和密码</translation>
    </message>
    <message>
        <source>Stored; leave blank to keep it</source>
        <translation>已保存；留空则保持不变</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Test stream</source>
        <translation>测试视频流</translation>
    </message>
    <message>
        <source>Device ID (GB/T 28181)</source>
        <translation>设备编码（GB/T 28181）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Main stream URL</source>
        <translation>主码流地址</translation>
    </message>
    <message>
        <source>Sub-stream URL</source>
        <translation>子码流地址</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>传输方式</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Live: the camera answers</source>
        <translation>在线：摄像机有应答</translation>
    </message>
    <message>
        <source>Offline: nothing answers at this address</source>
        <translation>离线：该地址无应答</translation>
    </message>
    <message>
        <source>Log-in refused: check the user name and password</source>
        <translation>登录被拒：请检查用户名和密码</translation>
    </message>
    <message>
        <source>Wrong address: check the URL</source>
        <translation>地址错误：请检查 URL</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Not saved: correct what is listed and save again.</source>
        <translation>未保存：请修正所列问题后再保存。</translation>
    </message>
</context>
<context>
    <name>CameraRegistryDialog</name>
    <message>
        <source>Camera registry</source>
        <translation>摄像机台账</translation>
    </message>
    <message>
        <source>Filter by ID, name, grid or URL</source>
        <translation>按编码、名称、网格或地址筛选</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Update cameras already registered</source>
        <translation>更新已登记的摄像机</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Only an administrator may change cameras.</source>
        <translation>只有系统管理员可以修改摄像机。</translation>
    </message>
    <message>
        <source>%1 camera(s)</source>
        <translation>%1 路摄像机</translation>
    </message>
    <message>
        <source>Import cameras</source>
        <translation>导入摄像机</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Imported %1 camera(s) from %2: %3 new, %4 updated.</source>
        <translation>已从 %2 导入 %1 路摄像机：新增 %3 路，更新 %4 路。</translation>
    </message>
    <message>
        <source>Nothing was imported. Correct the file and import it again.</source>
        <translation>未导入任何数据。请修正文件后重新导入。</translation>
    </message>
    <message>
        <source>Nothing was imported: %1</source>
        <translation>未导入任何数据：%1</translation>
    </message>
    <message>
        <source>Export cameras</source>
        <translation>导出摄像机</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Wrote %1 camera(s) to %2 (without user names or passwords).</source>
        <translation>已将 %1 路摄像机写入 %2（不含用户名和密码）。</translation>
    </message>
</context>
<context>
    <name>CameraTableModel</name>
    <message>
        <source>Device ID</source>
        <translation>设备编码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Stream URL</source>
        <translation>视频流地址</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>(no grid)</source>
        <translation>（无网格）</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>key site</source>
        <translation>重点部位</translation>
    </message>
    <message>
        <source>Sub-stream: %1</source>
        <translation>子码流：%1</translation>
    </message>
</context>
<context>
    <name>CameraTile</name>
    <message>
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Stalled</source>
        <translation>画面停顿</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>重新连接</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Log-in refused</source>
        <translation>认证失败</translation>
    </message>
    <message>
        <source>Wrong address</source>
        <translation>地址错误</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>%1 fps</source>
        <translation>%1 帧/秒</translation>
    </message>
    <message>
        <source>main</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>sub</source>
        <translation>子码流</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>attempt %1</source>
        <translation>第 %1 次</translation>
    </message>
    <message>
        <source>retry in %1 s</source>
        <translation>%1 秒后重试</translation>
    </message>
    <message>
        <source>The camera is disabled in the camera registry.</source>
        <translation>该摄像机已在摄像机登记中停用。</translation>
    </message>
    <message>
        <source>Connecting to the camera…</source>
        <translation>正在连接摄像机…</translation>
    </message>
    <message>
        <source>No new picture for a few seconds — waiting for the camera.</source>
        <translation>数秒内没有新画面，正在等待摄像机。</translation>
    </message>
    <message>
        <source>The stream broke off — reconnecting.</source>
        <translation>视频流中断，正在重新连接。</translation>
    </message>
    <message>
        <source>Camera offline: it cannot be reached. The console keeps trying.</source>
        <translation>摄像机离线：无法连接。系统会持续重试。</translation>
    </message>
    <message>
        <source>The camera refused the user name or password. Check the camera&apos;s credentials in the camera registry.</source>
        <translation>摄像机拒绝了用户名或密码。请在摄像机登记中检查其账号密码。</translation>
    </message>
    <message>
        <source>The stream address is wrong. Check the camera&apos;s stream URL.</source>
        <translation>视频流地址有误。请检查该摄像机的流地址。</translation>
    </message>
</context>
<context>
    <name>CaseBoard</name>
    <message>
        <source>Show all open cases</source>
        <translation>显示全部在办案件</translation>
    </message>
    <message>
        <source>Showing: new reports awaiting filing</source>
        <translation>当前显示：待受理的新上报</translation>
    </message>
    <message>
        <source>Showing: near due cases</source>
        <translation>当前显示：临期案件</translation>
    </message>
    <message>
        <source>Showing: overdue cases</source>
        <translation>当前显示：超期案件</translation>
    </message>
    <message>
        <source>%1 — %2 of %3 open cases</source>
        <translation>%1 — 在办案件 %3 件，显示 %2 件</translation>
    </message>
    <message>
        <source>All open cases: %1</source>
        <translation>全部在办案件：%1 件</translation>
    </message>
</context>
<context>
    <name>CaseDetailView</name>
    <message>
        <source>Open a case from the board, the map or the work list.</source>
        <translation>请从案件看板、地图或工作列表打开案件。</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Cameras within 500 m (double-click: live)</source>
        <translation>500 米内摄像机（双击看实时画面）</translation>
    </message>
    <message>
        <source>Related cases</source>
        <translation>关联案件</translation>
    </message>
    <message>
        <source>Archive (every step, hash-chained)</source>
        <translation>办理档案（每步留痕，哈希链防篡改）</translation>
    </message>
    <message>
        <source>Attachments (double-click to view)</source>
        <translation>附件（双击查看）</translation>
    </message>
    <message>
        <source>clock paused since %1</source>
        <translation>自 %1 起暂停计时</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>所属中心</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>承办单位 / 人</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>立案时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>结案时间</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Rework / extensions / urged</source>
        <translation>返工 / 延期 / 催办</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>merged into</source>
        <translation>已并入</translation>
    </message>
    <message>
        <source>merged here</source>
        <translation>已并入本案</translation>
    </message>
    <message>
        <source>possible duplicate</source>
        <translation>疑似重复</translation>
    </message>
    <message>
        <source>Needs a reason</source>
        <translation>需填写原因</translation>
    </message>
    <message>
        <source>Nothing for you to do on this case now.</source>
        <translation>本案当前无需您处理。</translation>
    </message>
    <message>
        <source>Add photos or documents</source>
        <translation>添加照片或文件</translation>
    </message>
    <message>
        <source>Pictures and documents (*.jpg *.jpeg *.png *.pdf);;All files (*)</source>
        <translation>图片和文件 (*.jpg *.jpeg *.png *.pdf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1: done — now %2.</source>
        <translation>%1：已完成，当前状态：%2。</translation>
    </message>
    <message>
        <source>Video clip: double-click to play</source>
        <translation>视频录像：双击播放</translation>
    </message>
</context>
<context>
    <name>CaseStore</name>
    <message>
        <source>Closed %1</source>
        <translation>结案于 %1</translation>
    </message>
    <message>
        <source>★ New, to be filed</source>
        <translation>★ 新上报，待受理</translation>
    </message>
    <message>
        <source>⏸ Suspended · %1</source>
        <translation>⏸ 挂账 · %1</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>案件标题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>承办单位 / 人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>★ New, to be filed</source>
        <translation>★ 新上报，待受理</translation>
    </message>
</context>
<context>
    <name>CaseTypeForm</name>
    <message>
        <source>Edit matter</source>
        <translation>编辑事项</translation>
    </message>
    <message>
        <source>New matter</source>
        <translation>新建事项</translation>
    </message>
    <message>
        <source>e.g. 0104</source>
        <translation>如 0104</translation>
    </message>
    <message>
        <source>Own time limit (else the general rules)</source>
        <translation>单独时限（否则按通用规则）</translation>
    </message>
    <message>
        <source> working day(s)</source>
        <translation> 个工作日</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>(any)</source>
        <translation>（不限）</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>大类</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Department kind</source>
        <translation>承办部门类别</translation>
    </message>
</context>
<context>
    <name>ClearViewDialog</name>
    <message>
        <source>Show in clear: %1</source>
        <translation>显示明文：%1</translation>
    </message>
    <message>
        <source>Why you need it, e.g. case 20261126-0012</source>
        <translation>查看事由，如 案件 20261126-0012</translation>
    </message>
    <message>
        <source>Your name, the resident, the time and the reason go into the operation log.</source>
        <translation>您的姓名、查看对象、时间和事由将记入操作日志。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Say why you need to see it in clear.</source>
        <translation>请说明查看明文的事由。</translation>
    </message>
    <message>
        <source>Shown in clear; recorded in the operation log.</source>
        <translation>已显示明文，并记入操作日志。</translation>
    </message>
</context>
<context>
    <name>ClipPlayerDialog</name>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>The clip cannot be played: %1</source>
        <translation>录像无法播放：%1</translation>
    </message>
</context>
<context>
    <name>ClockPanel</name>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
</context>
<context>
    <name>DepartmentForm</name>
    <message>
        <source>Edit department</source>
        <translation>编辑部门</translation>
    </message>
    <message>
        <source>New department</source>
        <translation>新建部门</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>上级部门</translation>
    </message>
    <message>
        <source>Case categories</source>
        <translation>承办案件大类</translation>
    </message>
</context>
<context>
    <name>DepartmentsTab</name>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>上级部门</translation>
    </message>
    <message>
        <source>Case categories</source>
        <translation>承办案件大类</translation>
    </message>
    <message>
        <source>New department…</source>
        <translation>新建部门…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>%1 department(s)</source>
        <translation>%1 个部门</translation>
    </message>
</context>
<context>
    <name>DetachedPlaceholder</name>
    <message>
        <source>%1 is in its own window.</source>
        <translation>%1 已在单独的窗口中显示。</translation>
    </message>
    <message>
        <source>Show the window</source>
        <translation>显示该窗口</translation>
    </message>
    <message>
        <source>Attach back</source>
        <translation>放回主窗口</translation>
    </message>
</context>
<context>
    <name>DetachedWindow</name>
    <message>
        <source>⇤ Attach back to the console</source>
        <translation>⇤ 放回控制台主窗口</translation>
    </message>
    <message>
        <source>Put this view back into its tab in the console&apos;s window</source>
        <translation>把此视图放回控制台主窗口中原来的标签页</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Select a grid, a case or a camera.</source>
        <translation>请选择网格、案件或摄像机。</translation>
    </message>
    <message>
        <source>Needs attention now</source>
        <translation>当前需处理</translation>
    </message>
    <message>
        <source>★ New reports awaiting filing</source>
        <translation>★ 待受理的新上报</translation>
    </message>
    <message>
        <source>● Near due</source>
        <translation>● 临期</translation>
    </message>
    <message>
        <source>▲ Overdue</source>
        <translation>▲ 超期</translation>
    </message>
    <message>
        <source>Show all of them on the case board</source>
        <translation>在案件看板上显示全部</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>reported %1</source>
        <translation>上报于 %1</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>…… 另有 %1 件</translation>
    </message>
    <message>
        <source>Division code</source>
        <translation>区划代码</translation>
    </message>
    <message>
        <source>Communities</source>
        <translation>社区数</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格数</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>网格类型</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>所属社区</translation>
    </message>
    <message>
        <source>Grid leader</source>
        <translation>网格长</translation>
    </message>
    <message>
        <source>Grid managers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Population</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Open cases of this grid on the board (%1)</source>
        <translation>在案件看板查看本网格在办案件（%1）</translation>
    </message>
    <message>
        <source>Show its %1 cameras on the video wall</source>
        <translation>在视频墙查看本网格 %1 路摄像机</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>结案时间</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>承办单位 / 人</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Open the case (Enter)</source>
        <translation>打开案件（Enter）</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Device ID</source>
        <translation>设备编码</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>✖ Disabled</source>
        <translation>✖ 已停用</translation>
    </message>
    <message>
        <source>Main stream</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>Sub stream</source>
        <translation>子码流</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置（经度, 纬度）</translation>
    </message>
    <message>
        <source>Show on the video wall</source>
        <translation>在视频墙上查看</translation>
    </message>
</context>
<context>
    <name>DisplayMapPanel</name>
    <message>
        <source>Grid map: open cases per grid</source>
        <translation>网格地图：各网格在办案件</translation>
    </message>
    <message>
        <source>Darker grids: more open cases · ▲ overdue · ● near due · ■ camera</source>
        <translation>颜色越深在办案件越多 · ▲ 超期 · ● 临期 · ■ 摄像头</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Disconnected from the server</source>
        <translation>与服务器断开连接</translation>
    </message>
    <message>
        <source>The center&apos;s server does not answer (network or server down). The console reconnects by itself and catches up with what changed meanwhile.</source>
        <translation>指挥中心服务器无响应（网络或服务器故障）。控制台会自动重连，并补齐期间发生的变更。</translation>
    </message>
    <message>
        <source>Logged out by the server</source>
        <translation>已被服务器注销</translation>
    </message>
    <message>
        <source>The session ended (idle too long, or too old). Log in again.</source>
        <translation>会话已结束（空闲过久或超过有效期），请重新登录。</translation>
    </message>
    <message>
        <source>The file</source>
        <translation>该文件</translation>
    </message>
    <message>
        <source>The disk is read-only: nothing was saved</source>
        <translation>磁盘只读：未保存任何内容</translation>
    </message>
    <message>
        <source>The database (or the file) is on a disk or in a folder that cannot be written now. Ask the administrator to make it writable; the next save works as soon as it is.</source>
        <translation>数据库（或该文件）所在的磁盘或文件夹当前不可写。请管理员恢复写入权限；恢复后下一次保存即可成功。</translation>
    </message>
    <message>
        <source>The disk is full: nothing was saved</source>
        <translation>磁盘已满：未保存任何内容</translation>
    </message>
    <message>
        <source>Free some space on the disk of the database (or of the file), or ask the administrator to; the next save works as soon as there is room.</source>
        <translation>请清理数据库（或该文件）所在磁盘的空间，或请管理员处理；有空间后下一次保存即可成功。</translation>
    </message>
    <message>
        <source>The disk failed to write: nothing was saved</source>
        <translation>磁盘写入失败：未保存任何内容</translation>
    </message>
    <message>
        <source>Ask the administrator to check the disk; the details are in the log.</source>
        <translation>请管理员检查磁盘；详情见日志。</translation>
    </message>
    <message>
        <source>The database is busy</source>
        <translation>数据库繁忙</translation>
    </message>
    <message>
        <source>Another program is writing to it; the console tries again shortly.</source>
        <translation>另一个程序正在写入数据库；系统稍后会自动重试。</translation>
    </message>
    <message>
        <source>The database is not answering</source>
        <translation>数据库没有响应</translation>
    </message>
    <message>
        <source>The connection was lost or the server stopped. Check the database server and the network; the console keeps trying.</source>
        <translation>连接已断开或服务器已停止。请检查数据库服务器和网络；系统会持续重试。</translation>
    </message>
    <message>
        <source>The database gave an unexpected answer</source>
        <translation>数据库返回了意外结果</translation>
    </message>
    <message>
        <source>Its structure may not match this version of the console. Tell the administrator; the details are in the console&apos;s log.</source>
        <translation>数据库结构可能与本版本控制台不一致。请告知管理员；详细信息见控制台日志。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误</translation>
    </message>
    <message>
        <source>Not allowed for your role or area</source>
        <translation>您的角色或辖区无此权限</translation>
    </message>
    <message>
        <source>Ask a supervisor or the administrator if you need it.</source>
        <translation>如确有需要，请联系督办人员或管理员。</translation>
    </message>
    <message>
        <source>A file or network operation failed</source>
        <translation>文件或网络操作失败</translation>
    </message>
    <message>
        <source>The details are in the console&apos;s log.</source>
        <translation>详细信息见控制台日志。</translation>
    </message>
    <message>
        <source>Something went wrong (%1)</source>
        <translation>出现错误（%1）</translation>
    </message>
    <message>
        <source>The details are in the console&apos;s log; try again, and tell the administrator if it persists.</source>
        <translation>详细信息见控制台日志；请重试，如问题持续请告知管理员。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export base data</source>
        <translation>导出基础数据</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Houses</source>
        <translation>楼栋与房屋</translation>
    </message>
    <message>
        <source>Organisations</source>
        <translation>组织</translation>
    </message>
    <message>
        <source>ID numbers and phones in clear</source>
        <translation>身份证号和电话导出明文</translation>
    </message>
    <message>
        <source>Why the file needs them in clear</source>
        <translation>导出明文的事由</translation>
    </message>
    <message>
        <source>Masked unless asked otherwise; recorded in the operation log.</source>
        <translation>默认脱敏导出；导出记入操作日志。</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Say why the file needs personal data in clear.</source>
        <translation>请说明导出明文个人信息的事由。</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <source>Wrote %1 row(s) to %2.</source>
        <translation>已写入 %1 行至 %2。</translation>
    </message>
</context>
<context>
    <name>Feed</name>
    <message>
        <source>%1 since %2</source>
        <translation>%1（自 %2 起）</translation>
    </message>
</context>
<context>
    <name>FiguresView</name>
    <message>
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日办结</translation>
    </message>
    <message>
        <source>Awaiting filing</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Near due</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>On-time rate this month</source>
        <translation>本月按期办结率</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>units</source>
        <translation>路</translation>
    </message>
    <message>
        <source>Open cases by category</source>
        <translation>在办案件（按类别）</translation>
    </message>
    <message>
        <source>Open cases by stage</source>
        <translation>在办案件（按环节）</translation>
    </message>
    <message>
        <source>act before the deadline</source>
        <translation>请在时限前处置</translation>
    </message>
    <message>
        <source>needs urging now</source>
        <translation>需立即督办</translation>
    </message>
    <message>
        <source>%1 of %2 closed on time</source>
        <translation>本月办结 %2 件，按期 %1 件</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>GridFilter</name>
    <message>
        <source>All grids</source>
        <translation>全部网格</translation>
    </message>
</context>
<context>
    <name>GridImportDialog</name>
    <message>
        <source>Import grid boundaries</source>
        <translation>导入网格边界</translation>
    </message>
    <message>
        <source>Coordinates are GCJ-02 (most Chinese sources)</source>
        <translation>坐标为 GCJ-02（国内多数数据源）</translation>
    </message>
    <message>
        <source>Replace grids with the same code</source>
        <translation>替换编码相同的网格</translation>
    </message>
    <message>
        <source>Choose a GeoJSON file or a shapefile to import.</source>
        <translation>请选择要导入的 GeoJSON 文件或 Shapefile。</translation>
    </message>
    <message>
        <source>Grid boundaries</source>
        <translation>网格边界</translation>
    </message>
    <message>
        <source>Grid boundaries (*.geojson *.json *.shp *.zip);;GeoJSON (*.geojson *.json);;Shapefile (*.shp *.zip);;All files (*)</source>
        <translation>网格边界 (*.geojson *.json *.shp *.zip);;GeoJSON (*.geojson *.json);;Shapefile (*.shp *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Imported %1 grid(s) from %2: %3 new, %4 replaced, in %5 community(ies).</source>
        <translation>已从 %2 导入 %1 个网格：新增 %3 个，替换 %4 个，涉及 %5 个社区。</translation>
    </message>
    <message>
        <source>The coordinates were converted from GCJ-02 to WGS-84.</source>
        <translation>坐标已由 GCJ-02 转换为 WGS-84。</translation>
    </message>
    <message>
        <source>Nothing was imported. Correct the file and import it again.</source>
        <translation>未导入任何数据。请修正文件后重新导入。</translation>
    </message>
</context>
<context>
    <name>GridPeopleForm</name>
    <message>
        <source>People of %1 %2</source>
        <translation>%1 %2 的网格人员</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Duty</source>
        <translation>职责</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Add police officer</source>
        <translation>添加片警</translation>
    </message>
    <message>
        <source>Add building head</source>
        <translation>添加楼栋长</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Grid managers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Grid leader</source>
        <translation>网格长</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Police officer</source>
        <translation>片警</translation>
    </message>
    <message>
        <source>Building head</source>
        <translation>楼栋长</translation>
    </message>
    <message>
        <source>Stored (masked); leave it to keep the number</source>
        <translation>已存（脱敏显示）；不改动则保留原号码</translation>
    </message>
</context>
<context>
    <name>GridPeopleTab</name>
    <message>
        <source>Filter by grid, community or name</source>
        <translation>按网格、社区或姓名筛选</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Grid managers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Grid leader</source>
        <translation>网格长</translation>
    </message>
    <message>
        <source>Police officer</source>
        <translation>片警</translation>
    </message>
    <message>
        <source>Building heads</source>
        <translation>楼栋长</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>%1 grid(s)</source>
        <translation>%1 个网格</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>No file chosen</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Nothing was imported: %1</source>
        <translation>未导入任何数据：%1</translation>
    </message>
</context>
<context>
    <name>JurisdictionTree</name>
    <message>
        <source>Jurisdiction</source>
        <translation>辖区</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
</context>
<context>
    <name>KpiPanel</name>
    <message>
        <source>Today and this month</source>
        <translation>今日与本月</translation>
    </message>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <source>● Near due</source>
        <translation>● 临期</translation>
    </message>
    <message>
        <source>▲ Overdue</source>
        <translation>▲ 超期</translation>
    </message>
    <message>
        <source>Closed this month</source>
        <translation>本月结案</translation>
    </message>
    <message>
        <source>On time this month</source>
        <translation>本月按期结案率</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
</context>
<context>
    <name>KpiView</name>
    <message>
        <source>Figures and drill-down</source>
        <translation>考核指标及明细</translation>
    </message>
    <message>
        <source>%1 (to date)</source>
        <translation>%1（截至今日）</translation>
    </message>
    <message>
        <source>This quarter (%1)</source>
        <translation>本季度（%1）</translation>
    </message>
    <message>
        <source>This year (%1)</source>
        <translation>本年度（%1）</translation>
    </message>
    <message>
        <source>Custom range…</source>
        <translation>自定义时段…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应结案</translation>
    </message>
    <message>
        <source>Closure rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <source>On-time closure rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <source>Satisfaction rate</source>
        <translation>满意率</translation>
    </message>
    <message>
        <source>Open at period end</source>
        <translation>期末在办</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Click for the cases behind this figure.</source>
        <translation>单击查看该指标对应的案件。</translation>
    </message>
    <message>
        <source>Cases reported</source>
        <translation>上报案件数</translation>
    </message>
    <message>
        <source>by community</source>
        <translation>按社区</translation>
    </message>
    <message>
        <source>by street</source>
        <translation>按街道</translation>
    </message>
    <message>
        <source>by grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <source>by department</source>
        <translation>按职能部门</translation>
    </message>
    <message>
        <source>by category</source>
        <translation>按类别</translation>
    </message>
    <message>
        <source>Jurisdiction</source>
        <translation>辖区</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>按期结案</translation>
    </message>
    <message>
        <source>Rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Click a unit or grid for the cases reported there in the period.</source>
        <translation>单击单位或网格，查看其本期上报的案件。</translation>
    </message>
    <message>
        <source>Cases reported in the period.</source>
        <translation>本期上报的案件。</translation>
    </message>
    <message>
        <source>Cases whose deadline fell in the period (declined, voided, merged left out).</source>
        <translation>办结时限在本期内的案件（不含不予立案、作废、并案）。</translation>
    </message>
    <message>
        <source>Of the due cases, those closed.</source>
        <translation>应结案件中已结案的案件。</translation>
    </message>
    <message>
        <source>Closed on time ÷ due.</source>
        <translation>按期结案数 ÷ 应结案数。</translation>
    </message>
    <message>
        <source>Due cases sent back by a failed verification ÷ due.</source>
        <translation>核查未通过退回返工的应结案件数 ÷ 应结案数。</translation>
    </message>
    <message>
        <source>Ratings 4–5 ÷ rated cases.</source>
        <translation>评价 4–5 星的案件数 ÷ 已评价案件数。</translation>
    </message>
    <message>
        <source>Weighted score (0–100) and grade; click for the due cases.</source>
        <translation>加权得分（0–100）及等级；单击查看应结案件。</translation>
    </message>
    <message>
        <source>Click a bar, a point, a card or a figure in the tree to list its cases.</source>
        <translation>单击柱条、数据点、指标卡或树表中的数字，列出对应案件。</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>打开案件</translation>
    </message>
    <message>
        <source>Double-click a case for its history.</source>
        <translation>双击案件查看办理过程。</translation>
    </message>
    <message>
        <source>History of a case</source>
        <translation>案件办理过程</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Amber rows pull the figure the wrong way; they come first.</source>
        <translation>琥珀色行对该指标不利，排在最前。</translation>
    </message>
    <message>
        <source>%1 cases</source>
        <translation>%1 件案件</translation>
    </message>
    <message>
        <source>History of case %1</source>
        <translation>案件 %1 办理过程</translation>
    </message>
    <message>
        <source>%1 filed</source>
        <translation>立案 %1 件</translation>
    </message>
    <message>
        <source>%1 closed</source>
        <translation>结案 %1 件</translation>
    </message>
    <message>
        <source>now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>end of %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>grade %1</source>
        <translation>等级 %1</translation>
    </message>
    <message>
        <source>Reported and closed per day</source>
        <translation>每日上报与结案</translation>
    </message>
    <message>
        <source>reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Open cases at the end of each day</source>
        <translation>每日日终在办案件</translation>
    </message>
    <message>
        <source>lowest first; click a bar for its cases</source>
        <translation>由低到高；单击柱条查看案件</translation>
    </message>
    <message>
        <source>highest first; click a bar for its cases</source>
        <translation>由高到低；单击柱条查看案件</translation>
    </message>
    <message>
        <source>most first; click a bar for its cases</source>
        <translation>由多到少；单击柱条查看案件</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Closed (of due)</source>
        <translation>结案（应结案件中）</translation>
    </message>
    <message>
        <source>Closed on time</source>
        <translation>按期结案</translation>
    </message>
    <message>
        <source>Reworked</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Extended</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Closed with a handling time</source>
        <translation>已结案（有处置时长）</translation>
    </message>
    <message>
        <source>Rated</source>
        <translation>已评价</translation>
    </message>
    <message>
        <source>Grid patrol reports</source>
        <translation>网格员巡查上报</translation>
    </message>
    <message>
        <source>Resolved on the spot</source>
        <translation>自行处置</translation>
    </message>
    <message>
        <source>Extension rate</source>
        <translation>延期率</translation>
    </message>
    <message>
        <source>Self-resolution rate</source>
        <translation>自行处置率</translation>
    </message>
    <message>
        <source>Average handling time</source>
        <translation>平均处置时长</translation>
    </message>
    <message>
        <source>Reported that day</source>
        <translation>当日上报</translation>
    </message>
    <message>
        <source>Closed that day</source>
        <translation>当日结案</translation>
    </message>
    <message>
        <source>Declined, voided or merged that day</source>
        <translation>当日不予立案、作废或并案</translation>
    </message>
    <message>
        <source>Open at the end of the day</source>
        <translation>当日日终在办</translation>
    </message>
    <message>
        <source>Due that day</source>
        <translation>当日应结案</translation>
    </message>
    <message>
        <source>Due that day and closed</source>
        <translation>当日应结且已结案</translation>
    </message>
    <message>
        <source>Due that day and closed on time</source>
        <translation>当日应结且按期结案</translation>
    </message>
    <message>
        <source>%1 of %2 due cases closed</source>
        <translation>应结案 %2 件，已结案 %1 件</translation>
    </message>
    <message>
        <source>%1 of %2 due cases closed on time</source>
        <translation>应结案 %2 件，按期结案 %1 件</translation>
    </message>
    <message>
        <source>%1 of %2 due cases reworked</source>
        <translation>应结案 %2 件，返工 %1 件</translation>
    </message>
    <message>
        <source>%1 of %2 due cases extended</source>
        <translation>应结案 %2 件，延期 %1 件</translation>
    </message>
    <message>
        <source>%1 of %2 rated cases satisfied</source>
        <translation>已评价 %2 件，满意 %1 件</translation>
    </message>
    <message>
        <source>%1 of %2 patrol reports resolved on the spot</source>
        <translation>巡查上报 %2 件，自行处置 %1 件</translation>
    </message>
    <message>
        <source>reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>to</source>
        <translation>接收方</translation>
    </message>
    <message>
        <source>deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时数</translation>
    </message>
    <message>
        <source>into</source>
        <translation>并入</translation>
    </message>
    <message>
        <source>late</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Grid manager</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Grid leader</source>
        <translation>网格长</translation>
    </message>
    <message>
        <source>Duty officer</source>
        <translation>值班员</translation>
    </message>
    <message>
        <source>Dispatcher</source>
        <translation>派遣员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>督办领导</translation>
    </message>
    <message>
        <source>Department handler</source>
        <translation>职能部门处置人员</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Display account</source>
        <translation>大屏展示账号</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省</translation>
    </message>
    <message>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <source>County / district</source>
        <translation>县（区）</translation>
    </message>
    <message>
        <source>Street / township</source>
        <translation>街道（乡镇）</translation>
    </message>
    <message>
        <source>Community / village</source>
        <translation>社区（村）</translation>
    </message>
    <message>
        <source>Urban grid</source>
        <translation>城市网格</translation>
    </message>
    <message>
        <source>Rural grid</source>
        <translation>农村网格</translation>
    </message>
    <message>
        <source>Dedicated grid</source>
        <translation>专属网格</translation>
    </message>
    <message>
        <source>Grid patrol</source>
        <translation>网格员巡查</translation>
    </message>
    <message>
        <source>Resident visit or call</source>
        <translation>群众来访来电</translation>
    </message>
    <message>
        <source>12345 hotline</source>
        <translation>12345 热线</translation>
    </message>
    <message>
        <source>Video patrol</source>
        <translation>视频巡查</translation>
    </message>
    <message>
        <source>Assigned by upper center</source>
        <translation>上级交办</translation>
    </message>
    <message>
        <source>Handed over by a department</source>
        <translation>部门移交</translation>
    </message>
    <message>
        <source>Public order</source>
        <translation>社会治安</translation>
    </message>
    <message>
        <source>Safety hazard</source>
        <translation>安全隐患</translation>
    </message>
    <message>
        <source>Dispute</source>
        <translation>矛盾纠纷</translation>
    </message>
    <message>
        <source>Environment and sanitation</source>
        <translation>环境卫生</translation>
    </message>
    <message>
        <source>Municipal facilities</source>
        <translation>市政设施</translation>
    </message>
    <message>
        <source>Livelihood services</source>
        <translation>民生服务</translation>
    </message>
    <message>
        <source>Special groups</source>
        <translation>特殊人群</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>特急</translation>
    </message>
    <message>
        <source>Awaiting filing</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Filed, awaiting dispatch</source>
        <translation>已立案待派遣</translation>
    </message>
    <message>
        <source>Dispatched, awaiting sign-off</source>
        <translation>已派遣待签收</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Awaiting verification</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Awaiting call-back</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>已并案</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>File</source>
        <translation>受理立案</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Resolved on the spot</source>
        <translation>自行处置</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>上报上级</translation>
    </message>
    <message>
        <source>Sign for it</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>Report the result</source>
        <translation>处置反馈</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>Call back and rate</source>
        <translation>回访评价</translation>
    </message>
    <message>
        <source>Request more time</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Decide on more time</source>
        <translation>延期审批</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复办理</translation>
    </message>
    <message>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Supervise</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Reply to supervision</source>
        <translation>督办回复</translation>
    </message>
    <message>
        <source>Urge</source>
        <translation>催办</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新办理</translation>
    </message>
    <message>
        <source>Merge into another case</source>
        <translation>并案</translation>
    </message>
    <message>
        <source>Add photos or documents</source>
        <translation>添加照片或文件</translation>
    </message>
    <message>
        <source>Public security</source>
        <translation>公安</translation>
    </message>
    <message>
        <source>Urban management</source>
        <translation>城管</translation>
    </message>
    <message>
        <source>Market supervision</source>
        <translation>市场监管</translation>
    </message>
    <message>
        <source>Emergency management</source>
        <translation>应急管理</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>卫生健康</translation>
    </message>
    <message>
        <source>Civil affairs</source>
        <translation>民政</translation>
    </message>
    <message>
        <source>Housing and construction</source>
        <translation>住建</translation>
    </message>
    <message>
        <source>Ecology and environment</source>
        <translation>生态环境</translation>
    </message>
    <message>
        <source>Other department</source>
        <translation>其他部门</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>户籍</translation>
    </message>
    <message>
        <source>Floating</source>
        <translation>流动</translation>
    </message>
    <message>
        <source>Community correction</source>
        <translation>社区矫正</translation>
    </message>
    <message>
        <source>Released prisoner</source>
        <translation>刑满释放</translation>
    </message>
    <message>
        <source>Drug user</source>
        <translation>吸毒人员</translation>
    </message>
    <message>
        <source>Severe mental disorder</source>
        <translation>严重精神障碍</translation>
    </message>
    <message>
        <source>Key petitioner</source>
        <translation>重点信访</translation>
    </message>
    <message>
        <source>At-risk youth</source>
        <translation>重点青少年</translation>
    </message>
    <message>
        <source>Elderly living alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <source>Left behind</source>
        <translation>留守人员</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>Residential</source>
        <translation>住宅</translation>
    </message>
    <message>
        <source>Commercial</source>
        <translation>商业</translation>
    </message>
    <message>
        <source>Mixed use</source>
        <translation>商住</translation>
    </message>
    <message>
        <source>Public</source>
        <translation>公共</translation>
    </message>
    <message>
        <source>Industrial</source>
        <translation>工业</translation>
    </message>
    <message>
        <source>Owner-occupied</source>
        <translation>自住</translation>
    </message>
    <message>
        <source>Rented out</source>
        <translation>出租</translation>
    </message>
    <message>
        <source>Vacant</source>
        <translation>空置</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>经营</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>Social organisation</source>
        <translation>社会组织</translation>
    </message>
    <message>
        <source>Non-public economic organisation</source>
        <translation>非公有制经济组织</translation>
    </message>
    <message>
        <source>Public institution</source>
        <translation>机关事业单位</translation>
    </message>
    <message>
        <source>Log-in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Personal data in clear</source>
        <translation>查看明文</translation>
    </message>
    <message>
        <source>Base data edited</source>
        <translation>基础数据修改</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>待签收</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Call-back</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>No deadline</source>
        <translation>无时限</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Near due</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <source>— no deadline</source>
        <translation>— 无时限</translation>
    </message>
    <message>
        <source>▲ OVERDUE by %1</source>
        <translation>▲ 已超期 %1</translation>
    </message>
    <message>
        <source>● Near due, %1 left</source>
        <translation>● 临期，剩 %1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩 %1</translation>
    </message>
</context>
<context>
    <name>LocalRulesForm</name>
    <message>
        <source>Local rules</source>
        <translation>本地规则</translation>
    </message>
    <message>
        <source>households</source>
        <translation>户</translation>
    </message>
    <message>
        <source>Grid size</source>
        <translation>网格规模</translation>
    </message>
    <message>
        <source>or about (people)</source>
        <translation>或约（人）</translation>
    </message>
    <message>
        <source> day(s)</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Visit %1 every</source>
        <translation>%1走访周期</translation>
    </message>
    <message>
        <source>Reading the rules…</source>
        <translation>正在读取规则…</translation>
    </message>
    <message>
        <source>Kept by the top center&apos;s administrators.</source>
        <translation>由最上级中心的管理员维护。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in — Grid Command Center</source>
        <translation>登录 — 网格化服务管理指挥中心</translation>
    </message>
    <message>
        <source>Grid Command Center</source>
        <translation>网格化服务管理指挥中心</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误</translation>
    </message>
    <message>
        <source>Cannot check the log-in: %1. %2</source>
        <translation>无法核对登录：%1。%2</translation>
    </message>
    <message>
        <source>Try again.</source>
        <translation>请重试。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Grid Command Center — %1</source>
        <translation>网格化服务管理指挥中心 — %1</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Case board</source>
        <translation>案件看板</translation>
    </message>
    <message>
        <source>Video wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>统计数据</translation>
    </message>
    <message>
        <source>Jurisdiction</source>
        <translation>辖区</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Sounds for alerts and new reports</source>
        <translation>告警与新上报提示音</translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation>数据库：%1（%2）</translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation>控制台(&amp;C)</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>考核分析</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件详情</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>立即刷新</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <source>Export the case list to Excel…</source>
        <translation>导出案件清单（Excel）…</translation>
    </message>
    <message>
        <source>Monthly report (PDF)…</source>
        <translation>月报（PDF）…</translation>
    </message>
    <message>
        <source>Camera registry…</source>
        <translation>摄像机台账…</translation>
    </message>
    <message>
        <source>Base data…</source>
        <translation>基础数据…</translation>
    </message>
    <message>
        <source>Administration…</source>
        <translation>系统管理…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>New reports awaiting filing</source>
        <translation>待受理的新上报</translation>
    </message>
    <message>
        <source>Near due cases</source>
        <translation>临期案件</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>All open cases</source>
        <translation>全部在办案件</translation>
    </message>
    <message>
        <source>Detach the current view to its own window</source>
        <translation>将当前视图分离为独立窗口</translation>
    </message>
    <message>
        <source>Attach all views back</source>
        <translation>所有视图放回主窗口</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Map</source>
        <translation>地图(&amp;M)</translation>
    </message>
    <message>
        <source>Find a place…</source>
        <translation>查找地点…</translation>
    </message>
    <message>
        <source>Show my whole jurisdiction</source>
        <translation>显示整个辖区</translation>
    </message>
    <message>
        <source>Basemap tiles (MBTiles file or tile folder)…</source>
        <translation>底图瓦片（MBTiles 文件或瓦片目录）…</translation>
    </message>
    <message>
        <source>Basemap tiles are in GCJ-02</source>
        <translation>底图瓦片为 GCJ-02 坐标</translation>
    </message>
    <message>
        <source>No basemap (vector background)</source>
        <translation>不用底图（矢量背景）</translation>
    </message>
    <message>
        <source>Import grid boundaries (GeoJSON, shapefile)…</source>
        <translation>导入网格边界（GeoJSON、Shapefile）…</translation>
    </message>
    <message>
        <source>Basemap tiles</source>
        <translation>底图瓦片</translation>
    </message>
    <message>
        <source>MBTiles (*.mbtiles);;Tile folder: pick any tile in it (*.png *.jpg *.jpeg)</source>
        <translation>MBTiles (*.mbtiles);;瓦片目录：任选其中一张瓦片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Basemap not shown: %1</source>
        <translation>底图未显示：%1</translation>
    </message>
    <message>
        <source>Export the case list</source>
        <translation>导出案件清单</translation>
    </message>
    <message>
        <source>%1 cases written to %2</source>
        <translation>已将 %1 件案件写入 %2</translation>
    </message>
    <message>
        <source>Monthly report</source>
        <translation>月报</translation>
    </message>
    <message>
        <source>Monthly report written to %1</source>
        <translation>月报已保存到 %1</translation>
    </message>
    <message>
        <source>⇤ Attach back</source>
        <translation>⇤ 收回标签页</translation>
    </message>
    <message>
        <source>❐ Own window</source>
        <translation>❐ 独立窗口</translation>
    </message>
    <message>
        <source>Attach this view back</source>
        <translation>把此视图放回主窗口</translation>
    </message>
    <message>
        <source>Detach this view to its own window (another monitor)</source>
        <translation>将此视图分离为独立窗口（可移到另一台显示器）</translation>
    </message>
    <message>
        <source>Show the window</source>
        <translation>显示该窗口</translation>
    </message>
    <message>
        <source>Attach back</source>
        <translation>放回主窗口</translation>
    </message>
    <message>
        <source>Detach to window</source>
        <translation>分离为独立窗口</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes the next time the console starts.</source>
        <translation>界面语言将在下次启动时生效。</translation>
    </message>
    <message>
        <source>New report: %1 (%2)</source>
        <translation>新上报：%1（%2）</translation>
    </message>
    <message>
        <source>+%1 more</source>
        <translation>另有 %1 件</translation>
    </message>
    <message>
        <source>♪ Sound: on</source>
        <translation>♪ 提示音：开</translation>
    </message>
    <message>
        <source>♪ Sound: off</source>
        <translation>♪ 提示音：关</translation>
    </message>
    <message>
        <source>Sounds for alerts and new reports (click to switch)</source>
        <translation>告警与新上报提示音（点击切换）</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>服务器：%1</translation>
    </message>
    <message>
        <source>⚠ not answering</source>
        <translation>⚠ 无响应</translation>
    </message>
    <message>
        <source>Click the place of the new case on the map (Esc: cancel)</source>
        <translation>请在地图上单击新案件的位置（Esc：取消）</translation>
    </message>
    <message>
        <source>Case %1 reported</source>
        <translation>案件 %1 已上报</translation>
    </message>
</context>
<context>
    <name>MapInset</name>
    <message>
        <source>No place</source>
        <translation>无位置</translation>
    </message>
</context>
<context>
    <name>MapLegend</name>
    <message>
        <source>Colour grids by</source>
        <translation>网格着色依据</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Open cases per 1,000 residents</source>
        <translation>每千人在办案件</translation>
    </message>
    <message>
        <source>Overdue case</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Near due case</source>
        <translation>临期案件</translation>
    </message>
    <message>
        <source>Case on time</source>
        <translation>正常办理的案件</translation>
    </message>
    <message>
        <source>New report, not filed</source>
        <translation>新上报（待受理）</translation>
    </message>
    <message>
        <source>Urgent case</source>
        <translation>紧急案件</translation>
    </message>
    <message>
        <source>Critical case</source>
        <translation>特急案件</translation>
    </message>
    <message>
        <source>Several cases</source>
        <translation>多件案件</translation>
    </message>
    <message>
        <source>Camera online</source>
        <translation>摄像机在线</translation>
    </message>
    <message>
        <source>Camera offline</source>
        <translation>摄像机离线</translation>
    </message>
    <message>
        <source>Drag: move · wheel: zoom · right-click: new case</source>
        <translation>拖动：移动 · 滚轮：缩放 · 右键：新建案件</translation>
    </message>
    <message>
        <source>Symbols ▾</source>
        <translation>图例 ▾</translation>
    </message>
    <message>
        <source>Symbols ▸</source>
        <translation>图例 ▸</translation>
    </message>
    <message>
        <source>no residents</source>
        <translation>无常住人口</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>Search grid code or name, community, address, camera… (Ctrl+F)</source>
        <translation>搜索网格编码或名称、社区、地址、摄像机…（Ctrl+F）</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>放大（+）</translation>
    </message>
    <message>
        <source>Zoom out (−)</source>
        <translation>缩小（−）</translation>
    </message>
    <message>
        <source>⌂ My jurisdiction</source>
        <translation>⌂ 本辖区</translation>
    </message>
    <message>
        <source>Show the whole jurisdiction (Home)</source>
        <translation>显示整个辖区（Home）</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>New case here in %1…</source>
        <translation>在%1新建案件…</translation>
    </message>
    <message>
        <source>New case here…</source>
        <translation>在此处新建案件…</translation>
    </message>
    <message>
        <source>Centre the map here</source>
        <translation>以此处为地图中心</translation>
    </message>
    <message>
        <source>Copy coordinates %1</source>
        <translation>复制坐标 %1</translation>
    </message>
    <message>
        <source>%1 cases here, %2 overdue — click to zoom in</source>
        <translation>此处 %1 件案件，%2 件超期——单击放大</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>尚未检测</translation>
    </message>
    <message>
        <source>%1 cameras here — click to zoom in</source>
        <translation>此处 %1 路摄像机——单击放大</translation>
    </message>
    <message>
        <source>%1 (grid %2): %3 open, %4 overdue</source>
        <translation>%1（%2号网格）：在办 %3 件，超期 %4 件</translation>
    </message>
    <message>
        <source>Loading map…</source>
        <translation>正在加载地图…</translation>
    </message>
</context>
<context>
    <name>MattersTab</name>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>大类</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Department kind</source>
        <translation>承办部门类别</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>New matter…</source>
        <translation>新建事项…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Grid size and visits…</source>
        <translation>网格规模与走访周期…</translation>
    </message>
    <message>
        <source>General rules</source>
        <translation>通用规则</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 matter(s)</source>
        <translation>%1 项事项</translation>
    </message>
    <message>
        <source>Import the list of matters</source>
        <translation>导入事项清单</translation>
    </message>
    <message>
        <source>Imported %1 matter(s).</source>
        <translation>已导入 %1 项事项。</translation>
    </message>
    <message>
        <source>Columns: 编码, 大类, 事项, 紧急程度, 时限天数, 时限小时, 承办部门.</source>
        <translation>列：编码、大类、事项、紧急程度、时限天数、时限小时、承办部门。</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>(none: the category&apos;s general rules)</source>
        <translation>（无：按大类通用规则）</translation>
    </message>
    <message>
        <source>What happened, in a few words</source>
        <translation>简要说明发生了什么</translation>
    </message>
    <message>
        <source>Street and number, landmark</source>
        <translation>街道门牌、标志性建筑</translation>
    </message>
    <message>
        <source>Details: who, what, since when</source>
        <translation>详情：涉及谁、什么事、从何时起</translation>
    </message>
    <message>
        <source>no grid at this point</source>
        <translation>此处不属于任何网格</translation>
    </message>
    <message>
        <source>%1, seen by camera %2</source>
        <translation>%1，摄像机“%2”画面</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>案件标题</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Report anyway</source>
        <translation>仍然上报</translation>
    </message>
    <message>
        <source>Pictures (*.jpg *.jpeg *.png)</source>
        <translation>图片 (*.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <source>Say in the title what happened.</source>
        <translation>请在标题中说明发生了什么。</translation>
    </message>
</context>
<context>
    <name>OperationLogTab</name>
    <message>
        <source>Search user, target, detail or reason</source>
        <translation>搜索用户、对象、内容或事由</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <source>%1 line(s)</source>
        <translation>%1 条</translation>
    </message>
</context>
<context>
    <name>OrganisationsTab</name>
    <message>
        <source>Name, credit code or address</source>
        <translation>名称、信用代码或地址</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>The first %1 organisation(s); narrow the search</source>
        <translation>前 %1 个组织（请缩小搜索范围）</translation>
    </message>
    <message>
        <source>%1 organisation(s)</source>
        <translation>%1 个组织</translation>
    </message>
</context>
<context>
    <name>PasswordChangeDialog</name>
    <message>
        <source>Choose your own password</source>
        <translation>设置您自己的密码</translation>
    </message>
    <message>
        <source>Your password was given by an administrator. Choose your own: at least 8 characters, two kinds (letters, digits, others), not your user name.</source>
        <translation>您的密码由管理员设置，请改为自己的密码：至少 8 个字符，包含两类（字母、数字、其他符号），且不能是用户名。</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>New password for %1</source>
        <translation>为 %1 设置新密码</translation>
    </message>
    <message>
        <source>The owner must change it at the next log-in; open sessions end.</source>
        <translation>本人下次登录时须修改；其已登录的会话随即结束。</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>PeopleTab</name>
    <message>
        <source>Name, address or a full ID number</source>
        <translation>姓名、地址或完整身份证号</translation>
    </message>
    <message>
        <source>All residents</source>
        <translation>全部人员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户籍类型</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <source>House</source>
        <translation>房号</translation>
    </message>
    <message>
        <source>Special groups</source>
        <translation>特殊人群</translation>
    </message>
    <message>
        <source>New resident…</source>
        <translation>新增人员…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Show in clear…</source>
        <translation>显示明文…</translation>
    </message>
    <message>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>显示 %1 条 / 共 %2 条</translation>
    </message>
</context>
<context>
    <name>PersonForm</name>
    <message>
        <source>Edit resident</source>
        <translation>编辑人员</translation>
    </message>
    <message>
        <source>New resident</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户籍类型</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>House</source>
        <translation>房号</translation>
    </message>
    <message>
        <source>Special groups</source>
        <translation>特殊人群</translation>
    </message>
    <message>
        <source>(none; set by a residents&apos; import)</source>
        <translation>（无；由人口导入设置）</translation>
    </message>
    <message>
        <source>Stored: %1 (leave blank to keep it)</source>
        <translation>已存：%1（留空则保留）</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Record %1</source>
        <translation>录像：%1</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>the case the clip is evidence for</source>
        <translation>录像作为证据所属的案件</translation>
    </message>
    <message>
        <source>Case number:</source>
        <translation>案件编号：</translation>
    </message>
    <message>
        <source>The camera&apos;s stream is kept as it comes (not re-encoded), at most 48 MB.</source>
        <translation>按摄像机原始码流保存（不重新编码），最大 48 MB。</translation>
    </message>
</context>
<context>
    <name>Recording</name>
    <message>
        <source>Recording</source>
        <translation>录像</translation>
    </message>
    <message>
        <source>Recording %1: %2 s left</source>
        <translation>正在录像 %1：还剩 %2 秒</translation>
    </message>
    <message>
        <source>Attaching the clip to case %1…</source>
        <translation>正在将录像附加到案件 %1…</translation>
    </message>
    <message>
        <source>Clip of %1 s attached to case %2 (SHA-256 %3…)</source>
        <translation>%1 秒录像已附加到案件 %2（SHA-256 %3…）</translation>
    </message>
    <message>
        <source>The clip is kept in %1</source>
        <translation>录像文件保存在 %1</translation>
    </message>
</context>
<context>
    <name>StaffForm</name>
    <message>
        <source>Edit account</source>
        <translation>编辑账号</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>新建账号</translation>
    </message>
    <message>
        <source>Letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>字母、数字、“.”“_”或“-”</translation>
    </message>
    <message>
        <source>Filter grids by code or name</source>
        <translation>按编码或名称筛选网格</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>First password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Stored: %1 (leave blank to keep it)</source>
        <translation>已存：%1（留空则保留）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Not saved: correct what is listed and save again.</source>
        <translation>未保存：请修改所列问题后再保存。</translation>
    </message>
</context>
<context>
    <name>StaffTab</name>
    <message>
        <source>Search by user name or name</source>
        <translation>按用户名或姓名搜索</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>New account…</source>
        <translation>新建账号…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>New password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Import XLSX/CSV…</source>
        <translation>导入 XLSX/CSV…</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Must change password</source>
        <translation>待改初始密码</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>%1 account(s)</source>
        <translation>%1 个账号</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>%1 has a new password, to be changed at the next log-in.</source>
        <translation>%1 已设置新密码，下次登录时须修改。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Import staff</source>
        <translation>导入人员</translation>
    </message>
    <message>
        <source>Columns: 用户名, 姓名, 角色, 中心 (division code or name), 部门, 电话, 网格, 初始密码. New user names are created, known ones updated (never their password).</source>
        <translation>列：用户名、姓名、角色、中心（区划代码或名称）、部门、电话、网格、初始密码。新用户名新建账号，已有的更新（不改其密码）。</translation>
    </message>
    <message>
        <source>Save the first passwords…</source>
        <translation>保存初始密码…</translation>
    </message>
    <message>
        <source>Imported: %1 account(s) created, %2 updated.</source>
        <translation>已导入：新建 %1 个账号，更新 %2 个。</translation>
    </message>
    <message>
        <source>%1 new account(s) got a generated first password: save them to a file now to hand them over (they are shown nowhere else).</source>
        <translation>%1 个新账号获得了系统生成的初始密码：请立即保存到文件以便交付（不会在其他任何地方显示）。</translation>
    </message>
    <message>
        <source>Save the first passwords</source>
        <translation>保存初始密码</translation>
    </message>
    <message>
        <source>Wrote %1 first password(s) to %2.</source>
        <translation>已将 %1 个初始密码写入 %2。</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>The database is empty</source>
        <translation>数据库为空</translation>
    </message>
    <message>
        <source>The database %1 holds no center, no users and no data yet, so the console cannot start on it.</source>
        <translation>数据库 %1 中还没有任何中心、用户和数据，控制台无法在其上启动。</translation>
    </message>
    <message>
        <source>To fill it with the demo district, run this command, then start again:</source>
        <translation>如需填入演示辖区，请运行以下命令，然后重新启动：</translation>
    </message>
    <message>
        <source>Put the password in place of ***.</source>
        <translation>请用实际密码替换 ***。</translation>
    </message>
    <message>
        <source>Only the console&apos;s own database in the user data folder is filled with the demo automatically.</source>
        <translation>只有用户数据文件夹中控制台自己的数据库才会自动填入演示数据。</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>Grid Command Center</source>
        <translation>网格化服务管理指挥中心</translation>
    </message>
    <message>
        <source>Creating the demo district (communities, grids, people, six months of cases)… this takes a moment.</source>
        <translation>正在生成演示辖区（社区、网格、人口和近六个月的案件）……请稍候。</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>The console cannot open its database.</source>
        <translation>指挥中心控制台无法打开数据库。</translation>
    </message>
    <message>
        <source>Check that the database server runs and that the address is right (option --db or the variable COMMANDCENTER_DB), then start again.</source>
        <translation>请检查数据库服务器是否在运行、地址是否正确（--db 选项或环境变量 COMMANDCENTER_DB），然后重新启动。</translation>
    </message>
    <message>
        <source>Start-up failed</source>
        <translation>启动失败</translation>
    </message>
</context>
<context>
    <name>TableImportDialog</name>
    <message>
        <source>Choose an XLSX or CSV file to import.</source>
        <translation>请选择要导入的 XLSX 或 CSV 文件。</translation>
    </message>
    <message>
        <source>Tables (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv);;All files (*)</source>
        <translation>表格 (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Importing: %1 (%2 %)</source>
        <translation>正在导入：%1（%2%）</translation>
    </message>
    <message>
        <source>Nothing was imported. Correct the file and import it again.</source>
        <translation>未导入任何数据。请修改文件后重新导入。</translation>
    </message>
</context>
<context>
    <name>TickerPanel</name>
    <message>
        <source>Overdue and supervised (督办) cases</source>
        <translation>超期与督办案件</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>overdue %1</source>
        <translation>超期 %1</translation>
    </message>
    <message>
        <source>✓ No overdue or supervised case</source>
        <translation>✓ 无超期或督办案件</translation>
    </message>
</context>
<context>
    <name>TraceModel</name>
    <message>
        <source>Counted</source>
        <translation>计入</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>案件标题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置时间</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束时间</translation>
    </message>
</context>
<context>
    <name>UnitsTab</name>
    <message>
        <source>Division code</source>
        <translation>区划代码</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格数</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>人员数</translation>
    </message>
    <message>
        <source>Add units…</source>
        <translation>添加辖区…</translation>
    </message>
    <message>
        <source>%1 unit(s)</source>
        <translation>%1 个单位</translation>
    </message>
    <message>
        <source>Added %1 unit(s): %2</source>
        <translation>已添加 %1 个单位：%2</translation>
    </message>
</context>
<context>
    <name>VideoPanel</name>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
</context>
<context>
    <name>VideoWall</name>
    <message>
        <source>◀ Previous page</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Next page ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>Show all cameras</source>
        <translation>显示全部摄像机</translation>
    </message>
    <message>
        <source>Layout: %1 tiles</source>
        <translation>布局：%1 画面</translation>
    </message>
    <message>
        <source>Save or delete tours</source>
        <translation>保存或删除轮巡</translation>
    </message>
    <message>
        <source>Save the cameras on the wall as a tour…</source>
        <translation>将墙上摄像机保存为轮巡…</translation>
    </message>
    <message>
        <source>Delete the chosen tour</source>
        <translation>删除所选轮巡</translation>
    </message>
    <message>
        <source>Tour:</source>
        <translation>轮巡：</translation>
    </message>
    <message>
        <source>Filter cameras</source>
        <translation>筛选摄像机</translation>
    </message>
    <message>
        <source>%1 (%2 cameras, %3 s)</source>
        <translation>%1（%2 路，%3 秒）</translation>
    </message>
    <message>
        <source>no tours yet</source>
        <translation>尚无轮巡</translation>
    </message>
    <message>
        <source>Save tour</source>
        <translation>保存轮巡</translation>
    </message>
    <message>
        <source>Name of the tour:</source>
        <translation>轮巡名称：</translation>
    </message>
    <message>
        <source>Seconds per page:</source>
        <translation>每页停留秒数：</translation>
    </message>
    <message>
        <source>Drag a camera here from the list or the map</source>
        <translation>从列表或地图拖入摄像机</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Snapshot to a case…</source>
        <translation>截图附加到案件…</translation>
    </message>
    <message>
        <source>Snapshot and new case here…</source>
        <translation>截图并新建案件…</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>码流</translation>
    </message>
    <message>
        <source>Automatic by tile size</source>
        <translation>按画面大小自动</translation>
    </message>
    <message>
        <source>Main stream</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>Sub stream</source>
        <translation>子码流</translation>
    </message>
    <message>
        <source>Back to the wall</source>
        <translation>返回多画面</translation>
    </message>
    <message>
        <source>Enlarge</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Empty this tile</source>
        <translation>清空此画面</translation>
    </message>
    <message>
        <source>Tour %1 · page %2 of %3</source>
        <translation>轮巡 %1 · 第 %2 / %3 页</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Cameras: %1 · page %2 of %3</source>
        <translation>摄像机 %1 路 · 第 %2 / %3 页</translation>
    </message>
    <message>
        <source>⏸ Pause</source>
        <translation>⏸ 暂停</translation>
    </message>
    <message>
        <source>▶ Start</source>
        <translation>▶ 开始</translation>
    </message>
</context>
<context>
    <name>WallActions</name>
    <message>
        <source>No picture of this camera yet.</source>
        <translation>该摄像机尚无画面。</translation>
    </message>
    <message>
        <source>Snapshot saved: %1</source>
        <translation>截图已保存：%1</translation>
    </message>
    <message>
        <source>Snapshot to a case</source>
        <translation>截图附加到案件</translation>
    </message>
    <message>
        <source>Case number:</source>
        <translation>案件编号：</translation>
    </message>
    <message>
        <source>Snapshot attached to case %1</source>
        <translation>截图已附加到案件 %1</translation>
    </message>
    <message>
        <source>Record to a case…</source>
        <translation>录像并附加到案件…</translation>
    </message>
    <message>
        <source>Recording %1 …</source>
        <translation>正在录像 %1 …</translation>
    </message>
</context>
<context>
    <name>WallDisplay</name>
    <message>
        <source>(+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
    <message>
        <source>paused while in use</source>
        <translation>有人操作，暂停轮播</translation>
    </message>
    <message>
        <source>Connection lost since %1</source>
        <translation>连接中断 自 %1</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <source>Data updated at %1</source>
        <translation>数据更新于 %1</translation>
    </message>
</context>
</TS>
