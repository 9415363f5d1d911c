/**
 * The explorer's script (plain ES2015 in the page, no library, no request):
 * reads the embedded graph (explorer-data.ts) and renders, by the URL's
 * hash so that the browser's back button walks the drill-down:
 *
 *   (none)            overview: groups by a label dimension (or two), each
 *                     with its segment count, exposure and flows, the flows
 *                     between groups as a matrix (up to 30 groups) and a list
 *   #g=GROUP          one group: its segments, flows to and from other groups
 *   #p=FROM|TO        the segment pairs between two groups
 *   #s=NODE           one segment or external: ingress and egress neighbours
 *                     with services and the rules that decide each edge,
 *                     and what guardrails cut
 *   #r=RULE           one rule or guardrail: the edges it decides
 *   #exposure         internet-exposed segments, on what, by which rules
 *   #guardrails       every guardrail with the edges it allows or cuts
 *
 * The search box finds segments and externals by name, rules by name, and
 * addresses (an IP or CIDR: every node whose addresses overlap it).
 * Everything is text-escaped before it reaches innerHTML.
 */
export const EXPLORER_SCRIPT = String.raw`
(function(){
  var D=JSON.parse(document.getElementById('explorer-data').textContent);
  var N=D.nodes, E=D.edges, R=D.rules;
  var view=document.getElementById('explore-view');
  var dimSel=document.getElementById('explore-dim'), thenSel=document.getElementById('explore-then');
  var search=document.getElementById('explore-search'), results=document.getElementById('explore-results');
  var LIMIT=300;
  var out=N.map(function(){return [];}), inn=N.map(function(){return [];});
  E.forEach(function(e,i){out[e[0]].push(i); inn[e[1]].push(i);});
  var byName={}; N.forEach(function(n,i){byName[n[0]]=i;});
  var ruleByName={}; R.forEach(function(r,i){ruleByName[r[0]]=i;});
  function esc(s){return String(s).replace(/[&<>"']/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c];});}
  function link(hash,text,cls){return '<a href="#'+esc(hash)+'"'+(cls?' class="'+cls+'"':'')+'>'+esc(text)+'</a>';}
  function nodeLink(i){var n=N[i]; return link('s='+encodeURIComponent(n[0]),n[0],n[1]==='s'?(n[4]?'seg exposed':'seg'):'ext');}
  function ruleLinks(list){return list.map(function(r){return link('r='+encodeURIComponent(R[r][0]),R[r][0],R[r][1]==='rule'?'rule':'guard');}).join(', ');}
  function dims(){var d=[dimSel.value]; if(thenSel.value&&thenSel.value!==dimSel.value)d.push(thenSel.value); return d;}
  function groupOf(i){var n=N[i]; if(n[1]!=='s')return 'external: '+n[0]; return dims().map(function(d){return d+'='+(n[2][d]===undefined?'(none)':n[2][d]);}).join(' · ');}
  function groups(){
    var map={}, order=[];
    N.forEach(function(n,i){var g=groupOf(i); if(!map[g]){map[g]={name:g,nodes:[],ext:n[1]!=='s',exposed:0}; order.push(g);} map[g].nodes.push(i); if(n[4])map[g].exposed++;});
    order.sort(function(a,b){return (map[a].ext-map[b].ext)||(a<b?-1:a>b?1:0);});
    return {map:map,order:order};
  }
  function table(head,rows,empty){
    if(!rows.length)return '<p class="muted">'+esc(empty||'none')+'</p>';
    var more=rows.length>LIMIT?'<p class="muted">and '+(rows.length-LIMIT)+' more (search to narrow)</p>':'';
    return '<table class="x"><thead><tr>'+head.map(function(h){return '<th>'+esc(h)+'</th>';}).join('')+'</tr></thead><tbody>'+rows.slice(0,LIMIT).map(function(r){return '<tr>'+r.map(function(c){return '<td>'+c+'</td>';}).join('')+'</tr>';}).join('')+'</tbody></table>'+more;
  }
  function crumbs(parts){return '<p class="crumbs">'+[link('','overview')].concat(parts).join(' › ')+'</p>';}
  function flowsBetween(G){
    var pairs={};
    E.forEach(function(e){if(e[2])return; var a=groupOf(e[0]),b=groupOf(e[1]),k=a+'\u0000'+b; (pairs[k]=pairs[k]||{from:a,to:b,n:0,internet:0}).n++; if(e[5])pairs[k].internet++;});
    return Object.keys(pairs).map(function(k){return pairs[k];}).sort(function(x,y){return y.n-x.n||(x.from<y.from?-1:x.from>y.from?1:x.to<y.to?-1:1);});
  }
  function overview(){
    var G=groups(), flows=flowsBetween(G);
    var ext=G.order.filter(function(g){return G.map[g].ext;}).length;
    var h='<h3>By '+esc(dims().join(' × '))+': '+(G.order.length-ext)+' groups of segments, '+ext+' outside, '+flows.reduce(function(s,f){return s+f.n;},0)+' allowed edges</h3>';
    h+=table(['group','segments','internet-exposed','edges out','edges in'],G.order.map(function(g){
      var o=0,i=0; flows.forEach(function(f){if(f.from===g)o+=f.n; if(f.to===g)i+=f.n;});
      var x=G.map[g]; return [link('g='+encodeURIComponent(g),g,x.ext?'ext':'grp'),'<span class="num">'+(x.ext?'':x.nodes.length)+'</span>',x.exposed?'<span class="pill internet">'+x.exposed+'</span>':'',String(o),String(i)];
    }));
    if(G.order.length<=30){
      var idx={}; flows.forEach(function(f){idx[f.from+'\u0000'+f.to]=f;});
      var max=flows.reduce(function(m,f){return Math.max(m,f.n);},1);
      h+='<h3>Flows between groups <span class="muted">(edges from the row group to the column group; click a cell)</span></h3><div class="matrix-wrap"><table class="matrix"><thead><tr><th>from \\ to</th>'+G.order.map(function(g){return '<th class="col" title="'+esc(g)+'"><span>'+esc(g)+'</span></th>';}).join('')+'</tr></thead><tbody>'+G.order.map(function(a){
        return '<tr><th>'+esc(a)+'</th>'+G.order.map(function(b){var f=idx[a+'\u0000'+b]; if(!f)return '<td class="zero"></td>'; var lvl=Math.ceil(4*f.n/max); return '<td class="heat h'+lvl+(f.internet?' inet':'')+'"><a href="#p='+esc(encodeURIComponent(a+'|'+b))+'" title="'+esc(a+' → '+b+': '+f.n+' edges')+'">'+f.n+'</a></td>';}).join('')+'</tr>';
      }).join('')+'</tbody></table></div>';
    }
    h+='<h3>Largest flows between groups</h3>'+table(['from','to','edges',''],flows.slice(0,50).map(function(f){return [esc(f.from),esc(f.to),link('p='+encodeURIComponent(f.from+'|'+f.to),String(f.n)),f.internet?'<span class="pill internet">from the internet</span>':''];}));
    return h;
  }
  function groupView(g){
    var G=groups(), x=G.map[g]; if(!x)return crumbs([])+'<p>No group '+esc(g)+' under this grouping.</p>';
    var members={}; x.nodes.forEach(function(i){members[i]=1;});
    var to={}, from={};
    E.forEach(function(e){if(e[2])return; if(members[e[0]]&&!members[e[1]]){var k=groupOf(e[1]); to[k]=(to[k]||0)+1;} if(members[e[1]]&&!members[e[0]]){var k2=groupOf(e[0]); from[k2]=(from[k2]||0)+1;}});
    var pairRows=function(m,dir){return Object.keys(m).sort().map(function(k){return [link('g='+encodeURIComponent(k),k,'grp'),link('p='+encodeURIComponent(dir?g+'|'+k:k+'|'+g),String(m[k]))];});};
    var h=crumbs([esc(g)])+'<h3>'+esc(g)+' <span class="muted">'+x.nodes.length+' '+(x.ext?'external':'segment'+(x.nodes.length===1?'':'s'))+'</span></h3>';
    h+='<div class="cols"><div><h4>segments</h4>'+table(['segment','labels','in','out','internet'],x.nodes.map(function(i){var n=N[i]; return [nodeLink(i),labels(n),String(inn[i].filter(function(k){return !E[k][2];}).length),String(out[i].filter(function(k){return !E[k][2];}).length),n[4]?'<span class="pill internet">'+esc(n[4].join(', '))+'</span>':''];}))+'</div>';
    h+='<div><h4>flows to other groups</h4>'+table(['to group','edges'],pairRows(to,true))+'<h4>flows from other groups</h4>'+table(['from group','edges'],pairRows(from,false))+'</div></div>';
    return h;
  }
  function labels(n){return Object.keys(n[2]).map(function(k){return '<span class="tag">'+esc(k+'='+n[2][k])+'</span>';}).join(' ');}
  function edgeRows(list,end){return list.map(function(k){var e=E[k]; return [nodeLink(e[end]),esc(e[3]),ruleLinks(e[4])];});}
  function pairView(a,b){
    var rows=[]; E.forEach(function(e,k){if(!e[2]&&groupOf(e[0])===a&&groupOf(e[1])===b)rows.push(k);});
    return crumbs([link('g='+encodeURIComponent(a),a),link('g='+encodeURIComponent(b),b)])+'<h3>'+esc(a)+' → '+esc(b)+' <span class="muted">'+rows.length+' allowed edges</span></h3>'+table(['from','to','services','decided by'],rows.map(function(k){var e=E[k]; return [nodeLink(e[0]),nodeLink(e[1]),esc(e[3]),ruleLinks(e[4])];}));
  }
  function nodeView(name){
    var i=byName[name]; if(i===undefined)return crumbs([])+'<p>No segment or external '+esc(name)+'.</p>';
    var n=N[i], allowIn=inn[i].filter(function(k){return !E[k][2];}), allowOut=out[i].filter(function(k){return !E[k][2];});
    var cut=inn[i].concat(out[i]).filter(function(k){return E[k][2];});
    var h=crumbs([link('g='+encodeURIComponent(groupOf(i)),groupOf(i)),esc(name)]);
    h+='<h3 id="explore-node">'+esc(name)+' <span class="muted">'+(n[1]==='s'?'segment':'external')+'</span> '+labels(n)+(n[4]?' <span class="pill internet">internet: '+esc(n[4].join(', '))+'</span>':'')+'</h3>';
    h+='<p class="muted small">addresses: '+esc(n[3].length>8?n[3].slice(0,8).join(', ')+' and '+(n[3].length-8)+' more':n[3].join(', '))+'</p>';
    h+=neighbours(i,allowIn,allowOut);
    h+='<div class="cols"><div><h4>ingress: who may reach <span class="name">'+esc(name)+'</span> ('+allowIn.length+')</h4>'+table(['from','services','decided by'],edgeRows(allowIn,0),'nothing: default deny')+'</div>';
    h+='<div><h4>egress: what <span class="name">'+esc(name)+'</span> may reach ('+allowOut.length+')</h4>'+table(['to','services','decided by'],edgeRows(allowOut,1),'nothing: default deny')+'</div></div>';
    if(cut.length)h+='<h4>cut by guardrails ('+cut.length+')</h4>'+table(['from','to','services cut','guardrails'],cut.map(function(k){var e=E[k]; return [nodeLink(e[0]),nodeLink(e[1]),esc(e[3]),ruleLinks(e[4])];}));
    return h;
  }
  // The neighbourhood as a picture: sources left, the node in the middle, destinations right, services on each line.
  function neighbours(i,ins,outs){
    var MAX=14, W=1100, rowH=24, colW=250, mid=W/2;
    var L=ins.slice(0,MAX), Rt=outs.slice(0,MAX), rows=Math.max(L.length+(ins.length>MAX?1:0),Rt.length+(outs.length>MAX?1:0),1), H=rows*rowH+16, cy=H/2;
    function side(list,all,x,end,anchor){
      var svg='';
      list.forEach(function(k,j){var e=E[k], n=N[e[end]], y=8+j*rowH+rowH/2, sx=end===0?x+colW:mid+90, tx=end===0?mid-90:x;
        svg+='<path class="'+(e[5]?'inet':'')+'" d="M'+sx+' '+y+' C'+(sx+tx)/2+' '+y+' '+(sx+tx)/2+' '+cy+' '+tx+' '+cy+'"/>';
        svg+='<a href="#s='+esc(encodeURIComponent(n[0]))+'"><text x="'+(end===0?x+colW-6:x+6)+'" y="'+(y+4)+'" text-anchor="'+anchor+'" class="'+(n[1]==='s'?(n[4]?'seg exposed':'seg'):'ext')+'">'+esc(n[0])+'</text></a>';
        svg+='<text x="'+(end===0?x+colW+8:x-8)+'" y="'+(y-4)+'" text-anchor="'+(end===0?'start':'end')+'" class="svc">'+esc(e[3].length>28?e[3].slice(0,27)+'…':e[3])+'</text>';});
      if(all.length>list.length)svg+='<text x="'+(end===0?x+colW-6:x+6)+'" y="'+(8+list.length*rowH+rowH/2+4)+'" text-anchor="'+anchor+'" class="more">and '+(all.length-list.length)+' more</text>';
      return svg;
    }
    var n=N[i];
    return '<svg class="hood" viewBox="0 0 '+W+' '+H+'" width="100%" height="'+H+'" role="img" aria-label="neighbours of '+esc(n[0])+'">'+side(L,ins,10,0,'end')+side(Rt,outs,W-10-colW,1,'start')+'<rect x="'+(mid-90)+'" y="'+(cy-16)+'" width="180" height="32" rx="6" class="'+(n[4]?'me exposed':'me')+'"/><text x="'+mid+'" y="'+(cy+5)+'" text-anchor="middle" class="me">'+esc(n[0].length>24?n[0].slice(0,23)+'…':n[0])+'</text></svg>';
  }
  function ruleView(name){
    var r=ruleByName[name]; if(r===undefined)return crumbs([])+'<p>No rule '+esc(name)+'.</p>';
    var rows=[]; E.forEach(function(e,k){if(e[4].indexOf(r)>=0)rows.push(k);});
    var deny=R[r][1]==='guardrail deny';
    return crumbs([esc(name)])+'<h3>'+esc(name)+' <span class="pill '+(R[r][1]==='rule'?'allow':deny?'deny':'guard')+'">'+esc(R[r][1])+'</span> <span class="muted">'+esc(R[r][3])+(R[r][2]?' · owner '+esc(R[r][2]):'')+'</span></h3><p class="muted">'+rows.length+(deny?' edges it cuts':' edges it decides')+'</p>'+table(['from','to',deny?'services cut':'services','decided by'],rows.map(function(k){var e=E[k]; return [nodeLink(e[0]),nodeLink(e[1]),esc(e[3]),ruleLinks(e[4])];}));
  }
  function exposureView(){
    var rows=[]; N.forEach(function(n,i){if(!n[4])return; var from=inn[i].filter(function(k){return E[k][5];}); var rules={}; from.forEach(function(k){E[k][4].forEach(function(r){rules[r]=1;});});
      rows.push([nodeLink(i),labels(n),'<span class="pill internet">'+esc(n[4].join(', '))+'</span>',from.map(function(k){return nodeLink(E[k][0]);}).join(', '),ruleLinks(Object.keys(rules).map(Number).sort(function(a,b){return a-b;}))]);});
    return crumbs(['internet exposure'])+'<h3>Internet exposure <span class="muted">'+rows.length+' segments reachable from public addresses</span></h3>'+table(['segment','labels','services','from','decided by'],rows,'no segment is reachable from the internet');
  }
  function guardrailView(){
    var rows=[]; R.forEach(function(r,i){if(r[1]==='rule')return; var n=0; E.forEach(function(e){if(e[4].indexOf(i)>=0)n++;}); rows.push([link('r='+encodeURIComponent(r[0]),r[0],'guard'),'<span class="pill '+(r[1]==='guardrail deny'?'deny':'guard')+'">'+esc(r[1])+'</span>',esc(r[3]),esc(r[2]),String(n)+(r[1]==='guardrail deny'?' cut':' allowed')]);});
    return crumbs(['guardrails'])+'<h3>Guardrails <span class="muted">'+rows.length+'</span></h3>'+table(['guardrail','kind','services','owner','edges'],rows,'the policy has no guardrails');
  }
  // Addresses: IPv4 and IPv6 as BigInt ranges, so a search for an address or CIDR finds every node it overlaps.
  function parseIp(s){
    if(/^\d+(\.\d+){3}$/.test(s)){var p=s.split('.').map(Number); if(p.some(function(x){return x>255;}))return null; return {f:4,v:p.reduce(function(a,x){return a*256n+BigInt(x);},0n)};}
    if(s.indexOf(':')<0||!/^[0-9a-fA-F:]+$/.test(s))return null;
    var halves=s.split('::'); if(halves.length>2)return null;
    var head=halves[0]?halves[0].split(':'):[], tail=halves.length>1&&halves[1]?halves[1].split(':'):[];
    var fill=8-head.length-tail.length; if(fill<0||(halves.length===1&&fill!==0))return null;
    var parts=head.concat(Array(halves.length>1?fill:0).fill('0')).concat(tail);
    if(parts.some(function(x){return !/^[0-9a-fA-F]{1,4}$/.test(x);}))return null;
    return {f:6,v:parts.reduce(function(a,x){return a*65536n+BigInt(parseInt(x,16));},0n)};
  }
  function parseCidr(s){
    var m=s.split('/'); var ip=parseIp(m[0]); if(!ip)return null; var bits=ip.f===4?32:128; var len=m.length>1?Number(m[1]):bits;
    if(!(len>=0&&len<=bits))return null; var size=1n<<BigInt(bits-len); var lo=ip.v-(ip.v%size); return {f:ip.f,lo:lo,hi:lo+size-1n};
  }
  var ranges=null;
  function nodeRanges(){if(!ranges)ranges=N.map(function(n){return n[3].map(parseCidr).filter(Boolean);}); return ranges;}
  function find(q){
    var t=q.trim(), lower=t.toLowerCase(), hits=[];
    if(!t)return '';
    var c=parseCidr(t);
    if(c){var rs=nodeRanges(); N.forEach(function(n,i){if(rs[i].some(function(r){return r.f===c.f&&r.lo<=c.hi&&c.lo<=r.hi;}))hits.push(['address',nodeLink(i)+' <span class="muted">'+(n[1]==='s'?'holds':'covers')+' '+esc(t)+'</span>']);});}
    N.forEach(function(n,i){if(n[0].toLowerCase().indexOf(lower)>=0)hits.push([n[1]==='s'?'segment':'external',nodeLink(i)+' '+labels(n)]);});
    R.forEach(function(r){if(r[0].toLowerCase().indexOf(lower)>=0||r[2].toLowerCase()===lower)hits.push([r[1],link('r='+encodeURIComponent(r[0]),r[0],r[1]==='rule'?'rule':'guard')+' <span class="muted">'+esc(r[3])+'</span>']);});
    return '<p class="muted">'+hits.length+' match'+(hits.length===1?'':'es')+' for “'+esc(t)+'”</p>'+table(['kind','match'],hits.map(function(h){return [esc(h[0]),h[1]];}),'nothing matches');
  }
  var VIEWS={g:1,s:1,r:1,p:1,exposure:1,guardrails:1};
  function current(){var h=location.hash.slice(1); try{h=decodeURIComponent(h);}catch(err){h='';} var k=h.split('=')[0]; return {k:k,v:h.slice(k.length+1)};}
  function render(){
    var c=current(), k=VIEWS[c.k]?c.k:'', v=c.v, html;
    if(k==='g')html=groupView(v); else if(k==='s')html=nodeView(v); else if(k==='r')html=ruleView(v);
    else if(k==='p'){var ab=v.split('|'); html=pairView(ab[0],ab.slice(1).join('|'));}
    else if(k==='exposure')html=exposureView(); else if(k==='guardrails')html=guardrailView(); else html=overview();
    view.innerHTML=html; view.setAttribute('data-view',k||'overview');
  }
  dimSel.addEventListener('change',render); thenSel.addEventListener('change',render);
  search.addEventListener('input',function(){results.innerHTML=find(search.value); results.hidden=!search.value.trim();});
  // The page's own anchors (#rules, #lint…) only scroll; explorer hashes (and the bare # of overview) render a view.
  window.addEventListener('hashchange',function(){var k=current().k; if(k&&!VIEWS[k])return; render(); var s=document.getElementById('explorer'); if(s&&s.getBoundingClientRect().top<0)s.scrollIntoView();});
  render();
  document.body.setAttribute('data-explorer','ready');
})();
`;
